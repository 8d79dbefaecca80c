"""Request bodies decoded within bounds: size as sent, size once gunzipped, nesting depth and
element count, each checked before Python builds a single object from the JSON.

``json.loads`` recurses once per nesting level (``[`` x 100000 ends in RecursionError) and
builds every element it reads (a 32 MiB array of zeros is ~16 million objects), so both are
measured on the bytes first, with C-speed scans: the commas and brackets outside strings are picked
out, then the innermost brackets are peeled off once per allowed level.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bounds:
    """What one endpoint accepts."""

    body_bytes: int          # as sent (compressed or not)
    json_bytes: int          # once decompressed
    depth: int               # nesting of arrays and objects
    elements: int            # values in the whole document, a bound on the objects Python makes


class BodyRefused(ValueError):
    """A body outside its bounds or not JSON; ``status`` and ``code`` say how to answer."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_INNERMOST = re.compile(rb"\[\]|\{\}")
_NOT_MARKS = bytes(b for b in range(256) if b not in b'"\\,[]{}')   # deleted: all but what a shape is read from


def decode(body: bytes, content_encoding: str | None, bounds: Bounds) -> Any:
    """The JSON value of a body, gunzipped when it is gzip (by header or by its magic bytes)."""
    if len(body) > bounds.body_bytes:
        raise BodyRefused(413, "too_large", f"the request body is over {bounds.body_bytes} bytes")
    encoding = (content_encoding or "").strip().lower()
    if encoding not in ("", "identity", "gzip"):
        raise BodyRefused(415, "unsupported_encoding", f"content encoding {encoding!r} is not supported; use gzip")
    if encoding == "gzip" or body[:2] == b"\x1f\x8b":
        body = gunzip(body, bounds.json_bytes)
    elif len(body) > bounds.json_bytes:
        raise BodyRefused(413, "too_large", f"the request body is over {bounds.json_bytes} bytes")
    check_shape(body, bounds)
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BodyRefused(400, "malformed_json", f"the body is not valid JSON: {exc}") from None


def gunzip(body: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise BodyRefused(400, "malformed_gzip", f"the body is not valid gzip: {exc}") from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise BodyRefused(413, "too_large", f"the body is over {limit} bytes once decompressed")
    return data


def check_shape(data: bytes, bounds: Bounds) -> None:
    """Refuses JSON nested deeper than ``bounds.depth`` or holding more than ``bounds.elements`` values.

    Exact for valid JSON; for broken JSON either this or the parser refuses it."""
    marks = _outside_strings(data)
    # every value after the first in a container follows a comma; containers are values too
    values = marks.count(b",") + marks.count(b"[") + marks.count(b"{") + 1
    if values > bounds.elements:
        raise BodyRefused(413, "too_many_elements", f"the body holds more than {bounds.elements} values")
    brackets = marks.translate(None, b',"\\')
    for _ in range(bounds.depth):
        if not brackets:
            return
        peeled = _INNERMOST.sub(b"", brackets)
        if peeled == brackets:
            raise BodyRefused(400, "malformed_json", "the body is not valid JSON: its brackets do not match")
        brackets = peeled
    if brackets:
        raise BodyRefused(422, "too_deep", f"the body is nested more than {bounds.depth} levels deep")


def _outside_strings(data: bytes) -> bytes:
    """The commas and brackets of ``data`` that no string holds, in order (and, in JSON that is not
    valid, stray quotes and backslashes), read at C speed without a Python object a string."""
    if b'\\"' in data:  # perhaps an escaped quote: strings found by the full pattern
        return _STRING.sub(b"", data).translate(None, _NOT_MARKS)
    # With no escaped quote, every quote opens or closes a string. Two quotes side by side close one
    # string and open the next, or open and close an empty one: dropping them leaves every other mark
    # inside a string or outside as it was, and leaves no quote where no string holds a mark.
    marks = data.translate(None, _NOT_MARKS).replace(b'""', b"")
    if b'"' in marks:  # marks inside strings remain: between a quote at an odd place and the next
        marks = b"".join(marks.split(b'"')[0::2])
    return marks
