"""What a body's shape check counts: values and brackets of the JSON, never what its strings hold."""

import json

import pytest
from hypothesis import given, settings, strategies as st

from sync import bounded

SMALL = bounded.Bounds(body_bytes=1 << 20, json_bytes=1 << 20, depth=3, elements=10)
# the same text without and with an escaped quote: strings are found two ways, and both must agree
QUOTES = ["plain", 'a "quoted" word']


@pytest.mark.parametrize("word", QUOTES)
def test_commas_and_brackets_in_text_are_not_values(word):
    text = f"{word}, " * 200 + "[[[[{{{{" + "]]}}" * 50
    body = json.dumps({"note": text, "tags": [text, text]}).encode()
    assert bounded.decode(body, None, SMALL) == {"note": text, "tags": [text, text]}


@pytest.mark.parametrize("word", QUOTES)
def test_too_many_values_are_refused_whatever_the_text_beside_them(word):
    body = json.dumps({"note": word, "values": list(range(10))}).encode()
    with pytest.raises(bounded.BodyRefused) as refused:
        bounded.decode(body, None, SMALL)
    assert refused.value.status == 413 and "values" in refused.value.message


@pytest.mark.parametrize("word", QUOTES)
def test_nesting_too_deep_is_refused_whatever_the_text_beside_it(word):
    body = json.dumps({"note": word, "deep": [[[1]]]}).encode()
    with pytest.raises(bounded.BodyRefused) as refused:
        bounded.decode(body, None, SMALL)
    assert refused.value.status == 422


def test_a_string_that_never_ends_is_not_json():
    with pytest.raises(bounded.BodyRefused) as refused:
        bounded.decode(b'{"note": "open, [[[', None, SMALL)
    assert refused.value.status == 400


_TEXT = st.text(alphabet=',[]{}"\\\n :aé')   # what could be mistaken for the JSON's own marks
_JSON = st.recursive(st.none() | st.integers() | _TEXT,
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4), max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(_JSON, st.booleans())
def test_the_marks_outside_strings_are_found_as_the_full_pattern_finds_them(value, ascii_only):
    data = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert bounded._outside_strings(data) == bounded._STRING.sub(b"", data).translate(None, bounded._NOT_MARKS)
