"""Labels are set in the DejaVu faces shipped in assets/fonts, not in whatever the machine has."""

import pytest

from kiosk import assets
from kiosk.labels.fonts import FACES, font


@pytest.mark.parametrize("face, name", [("title", ("DejaVu Sans", "Bold")), ("code", ("DejaVu Sans Mono", "Bold")),
                                        ("small", ("DejaVu Sans", "Book"))])
def test_each_role_has_its_shipped_face(face, name):
    chosen = font(face, 40)
    assert chosen.getname() == name
    assert chosen.path == str(assets.path("fonts", FACES[face]))
    assert chosen.size == 40
