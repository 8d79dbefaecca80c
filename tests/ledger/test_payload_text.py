"""A payload's stored text: the server splices it into answers and kiosks compare it, so it must be
exactly what the standard encoder writes with the log's settings, whatever the payload holds."""

import json

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.ledger.events import payload_text

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                       max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), _VALUES, max_size=6))
def test_a_payload_is_written_as_the_standard_encoder_writes_it(payload):
    assert payload_text(payload) == json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def test_text_keeps_its_letters_and_escapes_what_json_must():
    assert payload_text({"name": "Taladro ñ \"grande\"\n", "due": 1.5}) == '{"name":"Taladro ñ \\"grande\\"\\n","due":1.5}'


def test_a_value_json_cannot_hold_is_refused_as_before():
    with pytest.raises(TypeError, match="not JSON serializable"):
        payload_text({"when": object()})
