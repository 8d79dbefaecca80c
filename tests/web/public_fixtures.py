"""A public catalog to read: Maple's tools with accents, a kit, a hold shelf and a waiting list; Oak as partner."""

from __future__ import annotations

import pytest

from sync.server.web.public import settings as public_settings
from tests.web.conftest import TODAY, sync
from tests.web.helpers import WebClient

# every member of every library in the fixtures, and how to reach them: no public page may show any
MEMBER_SECRETS = ("Ana Lopez", "Ben Okafor", "Carla", "ana.lopez@example.org", "ben@example.org",
                  "carla@example.org", "555-0101", "7946", "Elmer Private", "elmer@example.org", "555-0999",
                  "Olga Hidden", "olga@example.org", "Ana L.", "Ben O.")


@pytest.fixture
def shelves(maple, oak, elm):
    """Maple with a saw (accents, kit, shelf), a drill someone waits for, a trimmer on the hold shelf."""
    maple.add_tool("MT8", "Sierra de calar", category="Power tools > Saws", brand="Bosch", model="PST 700",
                   description="Cortes curvos en madera y plástico.", kit=["batería", "3 hojas"], shelf="B2",
                   loan_days=5)
    maple.add_tool("MT9", "Cepíllo eléctrico", category="Power tools", shelf="B3")
    maple.place_hold("M2", "MT1", today=TODAY)     # the drill is out: Ben waits
    maple.place_hold("M2", "MT4", today=TODAY)     # the trimmer is out: Ben waits...
    maple.checkin("MT4", today=TODAY)              # ...and it goes to the hold shelf for him
    sync(maple)
    return maple


def set_public(web, library: str, **choices: bool) -> None:
    current = public_settings.load(web.state.db, library)
    public_settings.save(web.state.db, library, public_settings.PublicSettings(**{**current.__dict__, **choices}))


@pytest.fixture
def visitor(web):
    c = WebClient(web)
    yield c
    c.close()
