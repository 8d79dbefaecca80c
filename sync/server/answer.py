"""The bytes of a sync answer, its page of events written from the rows as stored.

Each stored payload is already the compact JSON ``payload_text`` writes (the
log's own form), so it goes into the answer as it is: the text a kiosk gets is
the text ``protocol.encode(response.to_json())`` would write for the same
events, without parsing every payload only to write it again.
"""

from __future__ import annotations

import gzip
import json
from json.encoder import encode_basestring

from sync.protocol import SyncResponse
from sync.server.storage import StoredEvent

# an answer is compressed once per round on the server, so it is worth less CPU than a kiosk's request:
# level 4 writes a few percent more bytes than level 6 in half the time or less
GZIP_LEVEL = 4
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)   # protocol.encode's JSON


def answer_body(response: SyncResponse, page: list[StoredEvent], *, compress: bool) -> bytes:
    """``response`` with ``page`` as its events (``response.events`` is left empty), as JSON, gzipped
    when ``compress``."""
    body = response.to_json()
    keys = list(body)
    at = keys.index("events")   # never first nor last: the protocol number leads, cursors and more follow
    head = _JSON.encode({k: body[k] for k in keys[:at]})
    tail = _JSON.encode({k: body[k] for k in keys[at + 1:]})
    text = f'{head[:-1]},"events":[{",".join(map(event_json, page))}],{tail[1:]}'.encode()
    return gzip.compress(text, compresslevel=GZIP_LEVEL, mtime=0) if compress else text


def event_json(e: StoredEvent) -> str:
    """An event as ``Event.to_wire`` then the protocol's JSON write it, its payload as stored."""
    s = encode_basestring
    return (f'{{"id":{s(e.id)},"library":{s(e.library)},"device":{s(e.device)},"seq":{e.seq:d},"hlc":{e.hlc:d},'
            f'"type":{s(e.type)},"v":{e.version:d},"entity":{s(e.entity)},"payload":{e.payload_text}}}')
