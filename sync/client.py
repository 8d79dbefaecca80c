"""The kiosk's side of sync: enrollment, one full sync, and a background loop.

    from sync.client import SyncClient, SyncLoop, enroll
    enroll(ledger, "https://sync.example.org", "ZYFM-9XHX-VYEH")
    report = SyncClient(ledger).sync()          # what moved
    loop = SyncLoop(home, interval=60, on_status=show); loop.start(); loop.request_sync()

Every answer is applied with the ledger's ``apply_sync`` (acknowledgements,
new events and cursors in one transaction), so a sync cut off anywhere is
simply repeated. Events the server refuses are quarantined: reported, kept in
the log, no longer sent, and never in the way of the others.

Errors, as raised by ``SyncClient`` (``SyncLoop`` catches them all):

SyncError
├── NotEnrolled         this kiosk has no server or token yet
├── Offline             no answer: no network, a timeout, a cut connection
├── Refused             the server said no to the whole request (4xx)
│   ├── AuthFailed      a bad or revoked token (401, 403): enroll again
│   └── UpgradeRequired this kiosk's software is too old for the server (426)
└── ServerFailed        a 5xx, or an answer that is not a sync answer
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Protocol

from kiosk import __version__
from kiosk.ledger import Event, Ledger, SyncBatch
from kiosk.ledger.bulk_apply import collector_paused
from kiosk.ledger.errors import LedgerError
from sync import failpoints, protocol
from sync.protocol import PROTOCOL, ProtocolError, SyncRequest, SyncResponse

BATCH = 500                  # own events per request
PAGE = 1000                  # events per answer, at first; twice as many after each full page, up to MAX_PAGE
MAX_ROUNDS = 10_000          # a bound, not a target: catching up 100k events takes about 100
PHOTOS_PER_SYNC = 20
PHOTO_ATTEMPTS = 5           # a photo the server never has stops being asked for after this
CONNECT_TIMEOUT, READ_TIMEOUT = 5.0, 30.0

META_SERVER, META_TOKEN = "sync.server", "sync.token"
META_CURSORS, META_LAST_SYNC, META_LAST_ERROR = "sync.cursors", "sync.last_sync", "sync.last_error"
META_QUARANTINE, META_PHOTOS = "sync.quarantine", "sync.photos_pending"
META_RESEND = "sync.resend_after_device_seq"
META_CLOCK_AHEAD = "sync.clock_ahead_ms"   # how far ahead the server last said this kiosk's clock runs; "" if fine


class SyncError(Exception):
    pass


class NotEnrolled(SyncError):
    pass


class Offline(SyncError):
    pass


class Refused(SyncError):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class AuthFailed(Refused):
    pass


class UpgradeRequired(Refused):
    pass


class ServerFailed(SyncError):
    pass


# -- the transport seam --------------------------------------------------------------

@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


class Transport(Protocol):
    """Sends one HTTP request; raises ``Offline`` when no answer comes back."""

    def request(self, method: str, url: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Reply: ...


class RequestsTransport:
    """HTTP(S) with requests, with timeouts: a dead network never hangs the loop."""

    def __init__(self, timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)):
        import requests
        import urllib3

        self._requests, self._urllib3 = requests, urllib3
        self._session = requests.Session()
        self._timeout = timeout

    def request(self, method: str, url: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        try:
            # stream + raw read: the answer's gzip is decoded by the protocol, with its size bounds
            response = self._session.request(method, url, data=body, headers=headers, timeout=self._timeout,
                                             stream=True)
            with response:
                data = response.raw.read(protocol.MAX_BODY_BYTES + 1, decode_content=False)
        except self._requests.RequestException as exc:
            raise Offline(f"no answer from {url}: {exc}") from None
        except (OSError, self._urllib3.exceptions.HTTPError) as exc:  # a connection cut while the body was read
            raise Offline(f"the connection to {url} broke: {exc}") from None
        headers = {k.lower(): v for k, v in response.headers.items()}
        declared = headers.get("content-length")
        if (declared is None and "chunked" not in headers.get("transfer-encoding", "")) or \
                (declared is not None and declared.isdigit() and int(declared) != len(data)):
            raise Offline(f"the answer from {url} was cut short")
        return Reply(response.status_code, headers, data)


# -- what a sync did -----------------------------------------------------------------

@dataclass
class SyncReport:
    requests: int = 0
    sent: int = 0
    acknowledged: int = 0
    received: int = 0
    unknown: int = 0                 # stored and passed on, but of a kind this software cannot apply
    duplicates: int = 0
    availability: int = 0
    quarantined: list[dict[str, str]] = field(default_factory=list)
    photos_uploaded: int = 0
    photos_downloaded: int = 0
    photo_errors: list[str] = field(default_factory=list)
    bytes_up: int = 0
    bytes_down: int = 0
    waiting: int = 0                 # own events still not acknowledged afterwards
    rewound: bool = False

    def summary(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class SyncStatus:
    enrolled: bool
    online: bool
    last_sync: str | None
    waiting: int
    server: str | None
    error: str | None
    clock_ahead_ms: int | None = None   # the server found this kiosk's clock this far ahead of its own


# -- enrollment ----------------------------------------------------------------------

def is_enrolled(home: Path) -> bool:
    """Whether the kiosk in ``home`` has a server and a token (False when it has no ledger yet)."""
    try:
        ledger = Ledger.open(home)
    except LedgerError:
        return False
    try:
        return bool(ledger.meta(META_SERVER) and ledger.meta(META_TOKEN))
    finally:
        ledger.close()


def enroll(ledger: Ledger, server: str, code: str, *, transport: Transport | None = None) -> dict[str, Any]:
    """Trades a one-time code for this kiosk's token and the device id the server gives it, and
    remembers the server. The kiosk tells its current id, which only a re-enrollment code keeps."""
    server = server.rstrip("/")
    if not server.startswith(("http://", "https://")):
        raise Refused(0, f"the server address must start with http:// or https://, not {server!r}")
    transport = transport or RequestsTransport()
    body = protocol.encode({"code": code.strip(), "library": ledger.library["slug"], "device": ledger.device["id"],
                            "name": ledger.device["name"]})
    reply = transport.request("POST", server + protocol.ENROLL_PATH, body=body, headers=_headers())
    answer = _answer(reply)
    device = answer.get("device") if isinstance(answer, dict) else None
    if not isinstance(device, str) or not protocol.DEVICE_ID.match(device) or \
            answer.get("library") != ledger.library["slug"] or not isinstance(answer.get("token"), str):
        raise ServerFailed(f"the server's enrollment answer is not one this kiosk can use: {str(answer)[:200]}")
    ledger.adopt_device_id(device)
    meta = {META_SERVER: server, META_TOKEN: answer["token"], META_LAST_ERROR: ""}
    if ledger.meta(META_SERVER) != server:  # another server numbers its streams differently
        meta[META_CURSORS] = "{}"
    ledger.set_meta(meta)
    return {"server": server, "library": answer["library"], "library_name": answer["library_name"],
            "device": device, "device_name": answer.get("device_name")}


def read_status(ledger: Ledger) -> SyncStatus:
    """What the kiosk knows of its sync without asking the server."""
    error = ledger.meta(META_LAST_ERROR) or None
    server = ledger.meta(META_SERVER)
    ahead = ledger.meta(META_CLOCK_AHEAD)
    return SyncStatus(enrolled=bool(server and ledger.meta(META_TOKEN)), online=bool(server) and error is None,
                      last_sync=ledger.meta(META_LAST_SYNC), waiting=_waiting(ledger), server=server, error=error,
                      clock_ahead_ms=int(ahead) if ahead else None)


def quarantined(ledger: Ledger) -> dict[str, dict[str, str]]:
    """Own events the server refused: id -> reason and message."""
    return json.loads(ledger.meta(META_QUARANTINE) or "{}")


def _waiting(ledger: Ledger) -> int:
    """Own events still to send: the outbox less the quarantined ones."""
    return max(0, ledger.outbox_size() - len(quarantined(ledger)))


# -- one sync ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Sent:
    """A request sent and its answer as it came, not read yet."""

    events: list[Event]               # own events the request carried
    resend_position: str | None       # where resending after a server restore stands once applied
    reply: Reply
    bytes_up: int


class SyncClient:
    def __init__(self, ledger: Ledger, *, transport: Transport | None = None, batch: int = BATCH,
                 page: int | None = None):
        """``page``: events per answer, always; by default PAGE at first, doubling with each full page of
        a catch-up (fewer, larger transactions; the server keeps every page's bytes within bounds)."""
        self.ledger = ledger
        self.transport = transport or RequestsTransport()
        self.batch = batch
        self.page, self._grows = (page, False) if page else (PAGE, True)
        self.home = Path(ledger.path).parent

    def sync(self, *, max_rounds: int = MAX_ROUNDS, retry_quarantined: bool = False) -> SyncReport:
        """Rounds until nothing is left to send or fetch; raises a SyncError when a round fails.

        While a page is applied, the request for the next one is already on its way when it
        would only pull: catching up waits on the ledger or on the network, not on both in turn.
        The answer is read here, not beside the apply: a thread parsing JSON would hold the
        interpreter each time SQLite hands it back between rows, and slow the apply down more
        than the parse costs."""
        server, token = self.ledger.meta(META_SERVER), self.ledger.meta(META_TOKEN)
        self.ledger.refresh_device()
        if not (server and token):
            raise NotEnrolled("this kiosk is not enrolled; run `toolkiosk enroll --server URL --code CODE`")
        if retry_quarantined:
            self.ledger.set_meta({META_QUARANTINE: "{}"})
        report = SyncReport()
        ahead: Future[_Sent] | None = None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-prefetch") as pool:
            try:
                for _ in range(max(1, max_rounds)):
                    sent = ahead.result() if ahead is not None else self._send(server, token, *self._next_request())
                    ahead = None
                    with collector_paused():
                        answer = self._read(sent.reply)
                        if self._grows and answer.more:
                            self.page = min(protocol.MAX_PAGE, self.page * 2)
                        if answer.more and not (sent.events or answer.rewound or sent.resend_position is not None
                                                or self._sendable(1)):
                            ahead = pool.submit(self._send, server, token, self._request([], answer.cursors), [], None)
                        self._apply(sent, answer, report)
                    if not (answer.more or answer.rewound or self.ledger.meta(META_RESEND) or self._sendable(1)):
                        break
                self._photos(server, token, answer.photos_wanted, report)
            except SyncError as exc:
                self.ledger.set_meta({META_LAST_ERROR: str(exc)})
                raise
        report.waiting = _waiting(self.ledger)
        return report

    def _sendable(self, limit: int) -> list[Event]:
        """The oldest own unacknowledged events, quarantined ones left out."""
        return self.ledger.outbox(limit, exclude=quarantined(self.ledger))

    def _resend(self) -> tuple[list[Event], str | None]:
        """After the server was restored from an older copy: every own event again, a batch at a time.

        The position is the last own device sequence resent; "" once all were."""
        position = self.ledger.meta(META_RESEND)
        if not position:
            return [], None
        own = self.ledger.own_events(after_device_seq=int(position), limit=self.batch)
        return own, (str(own[-1].seq) if own else "")

    def _next_request(self) -> tuple[SyncRequest, list[Event], str | None]:
        resent, next_position = self._resend()
        events = resent or self._sendable(self.batch)
        cursors = json.loads(self.ledger.meta(META_CURSORS) or "{}")
        return self._request(events, cursors), events, next_position

    def _request(self, events: list[Event], cursors: dict[str, int]) -> SyncRequest:
        return SyncRequest(PROTOCOL, self.ledger.library["slug"], self.ledger.device["id"],
                           [e.to_wire() for e in events], cursors, self.page,
                           device_seq=int(self.ledger.meta("next_seq")) - 1, software_version=__version__,
                           wall_ms=max(0, self.ledger.wall_ms()), outbox=max(0, _waiting(self.ledger) - len(events)))

    def _send(self, server: str, token: str, request: SyncRequest, events: list[Event],
              next_position: str | None) -> _Sent:
        """One request and its answer's bytes; nothing is written here."""
        body = protocol.encode(request.to_json())
        reply = self.transport.request("POST", server + protocol.SYNC_PATH, body=body, headers=_headers(token))
        return _Sent(events, next_position, reply, len(body))

    @staticmethod
    def _read(reply: Reply) -> SyncResponse:
        """An answer, checked; a SyncError when it is not one this kiosk can apply."""
        try:
            return protocol.parse_sync_response(_answer(reply))
        except ProtocolError as exc:
            raise ServerFailed(exc.message) from None

    def _apply(self, sent: _Sent, answer: SyncResponse, report: SyncReport) -> None:
        events, next_position = sent.events, sent.resend_position
        report.requests += 1
        report.bytes_up += sent.bytes_up
        report.bytes_down += len(sent.reply.body)
        failpoints.reach("client.before_apply")
        skip = quarantined(self.ledger)
        for rejection in answer.rejected:
            skip[rejection.id] = {"reason": rejection.reason, "message": rejection.message}
            report.quarantined.append({"id": rejection.id, "reason": rejection.reason, "message": rejection.message})
        meta = {META_CURSORS: json.dumps(answer.cursors, sort_keys=True), META_QUARANTINE: json.dumps(skip),
                META_LAST_SYNC: _iso_now(), META_LAST_ERROR: "",
                META_CLOCK_AHEAD: "" if answer.clock_ahead_ms is None else str(answer.clock_ahead_ms)}
        if answer.rewound:
            meta[META_RESEND] = "0"
            report.rewound = True
        elif next_position is not None:
            meta[META_RESEND] = next_position
        counts = self.ledger.apply_sync(SyncBatch(acks=answer.acks, events=answer.events, meta=meta,
                                                  server_time_ms=answer.server_time_ms,
                                                  availability=answer.availability,
                                                  device_names=answer.device_names))
        failpoints.reach("client.after_apply")
        report.sent += len(events)
        report.acknowledged += counts["acknowledged"]
        report.received += counts["received"]
        report.unknown += counts["unknown"]
        report.duplicates += counts["duplicates"]
        report.availability += len(answer.availability)
        self._want_photos(answer.events)

    # -- photos, outside the event stream: never in the way of a sync ------------------

    def _want_photos(self, events: list[Event]) -> None:
        wanted = {e.payload["fields"]["photo"] for e in events
                  if e.type in ("tool.added", "tool.edited") and protocol.photo_hash(e.payload.get("fields", {}).get("photo"))}
        missing = {p for p in wanted if not (self.home / p).exists()}
        if missing:
            pending = json.loads(self.ledger.meta(META_PHOTOS) or "{}")
            pending.update({p: pending.get(p, 0) for p in missing})
            self.ledger.set_meta({META_PHOTOS: json.dumps(pending, sort_keys=True)})

    def _photos(self, server: str, token: str, wanted: list[str], report: SyncReport) -> None:
        for sha in wanted[:PHOTOS_PER_SYNC]:
            files = sorted((self.home / "photos").glob(f"{sha}.*"))
            if not files:
                continue
            try:
                data = files[0].read_bytes()
                reply = self.transport.request("PUT", server + protocol.PHOTO_PATH.format(sha256=sha), body=data,
                                               headers={**_headers(token), "Content-Type": "application/octet-stream"})
                report.requests += 1
                if reply.status >= 300:
                    report.photo_errors.append(f"upload {sha[:12]}: {_message(reply)}")
                else:
                    report.photos_uploaded += 1
            except (OSError, SyncError) as exc:
                report.photo_errors.append(f"upload {sha[:12]}: {exc}")
        pending = json.loads(self.ledger.meta(META_PHOTOS) or "{}")
        if not pending:
            return
        for name in sorted(pending)[:PHOTOS_PER_SYNC]:
            sha = protocol.photo_hash(name)
            try:
                reply = self.transport.request("GET", server + protocol.PHOTO_PATH.format(sha256=sha),
                                               headers=_headers(token))
                report.requests += 1
                if reply.status == 200 and _sha256(reply.body) == sha:
                    _write_atomically(self.home / name, reply.body)
                    report.photos_downloaded += 1
                    del pending[name]
                    continue
                report.photo_errors.append(f"download {sha[:12]}: {_message(reply)}")
            except (OSError, SyncError) as exc:
                report.photo_errors.append(f"download {sha[:12]}: {exc}")
            pending[name] += 1
            if pending[name] >= PHOTO_ATTEMPTS:
                del pending[name]
        self.ledger.set_meta({META_PHOTOS: json.dumps(pending, sort_keys=True)})


# -- the background loop -------------------------------------------------------------

class SyncLoop:
    """Syncs in a background thread every ``interval`` seconds and on request; never raises into the caller.

    It opens its own Ledger connection. After a failure it waits longer each
    time (exponential, with jitter, at most ``max_backoff``); ``request_sync``
    (e.g. right after a checkout) syncs at once when the last attempt worked.
    ``on_status`` is called from the loop's thread: hand it to the UI thread.
    """

    def __init__(self, home: Path, *, interval: float = 60.0, on_status: Callable[[SyncStatus], None] | None = None,
                 transport_factory: Callable[[], Transport] | None = None, max_backoff: float = 300.0,
                 first_backoff: float = 5.0):
        self.home = Path(home)
        self.interval = interval
        self.on_status = on_status
        self._transport_factory = transport_factory or RequestsTransport
        self._max_backoff, self._first_backoff = max_backoff, first_backoff
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0
        self.status = SyncStatus(False, False, None, 0, None, None)

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="sync-loop", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=READ_TIMEOUT + CONNECT_TIMEOUT)

    def request_sync(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        ledger: Ledger | None = None
        transport: Transport | None = None
        next_allowed = 0.0
        try:
            requested = False
            while not self._stop.is_set():
                # a request skips the interval, but not the backoff after a failure
                if time.monotonic() >= next_allowed or (requested and self.failures == 0):
                    try:
                        ledger = ledger or Ledger.open(self.home)
                        transport = transport or self._transport_factory()
                        next_allowed = self._attempt(ledger, transport)
                    except Exception as exc:  # the loop outlives anything: a broken ledger file, a bug
                        self._publish(SyncStatus(False, False, None, 0, None, f"sync stopped working: {exc}"))
                        next_allowed = time.monotonic() + self.interval
                wait = max(0.0, next_allowed - time.monotonic())
                requested = self._wake.wait(timeout=wait)
                self._wake.clear()
        finally:
            if ledger is not None:
                ledger.close()

    def _attempt(self, ledger: Ledger, transport: Transport) -> float:
        """One sync; returns when the next may start."""
        status = read_status(ledger)
        if not status.enrolled:
            self._publish(status)
            return time.monotonic() + self.interval
        try:
            SyncClient(ledger, transport=transport).sync()
            self.failures = 0
            self._publish(read_status(ledger))
            return time.monotonic() + self.interval
        except (SyncError, LedgerError) as exc:
            self.failures += 1
            delay = min(self._max_backoff, self._first_backoff * 2 ** (self.failures - 1)) * random.uniform(0.8, 1.2)
            status = read_status(ledger)
            self._publish(SyncStatus(status.enrolled, False, status.last_sync, status.waiting, status.server, str(exc),
                                     status.clock_ahead_ms))
            return time.monotonic() + delay

    def _publish(self, status: SyncStatus) -> None:
        self.status = status
        if self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:  # a UI callback's failure is the UI's; the loop goes on
                pass


# -- helpers -------------------------------------------------------------------------

def _headers(token: str | None = None) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip", "Accept-Encoding": "gzip",
               "User-Agent": f"toolkiosk/{protocol.PROTOCOL}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def _answer(reply: Reply) -> Any:
    """The JSON of a 2xx answer; the matching SyncError otherwise."""
    if reply.status == 426:
        raise UpgradeRequired(426, _message(reply))
    if reply.status in (401, 403):
        raise AuthFailed(reply.status, _message(reply))
    if 400 <= reply.status < 500:
        raise Refused(reply.status, _message(reply))
    if reply.status >= 500 or reply.status < 200:
        raise ServerFailed(f"the server failed ({reply.status}): {_message(reply)}")
    try:
        return protocol.decode(reply.body, reply.headers.get("content-encoding"), protocol.ANSWER_BOUNDS)
    except ProtocolError as exc:
        raise ServerFailed(f"the server's answer could not be read: {exc.message}") from None


def _message(reply: Reply) -> str:
    try:
        return protocol.decode(reply.body, reply.headers.get("content-encoding"), protocol.ANSWER_BOUNDS)["error"]["message"]
    except (ProtocolError, KeyError, TypeError):
        return f"HTTP {reply.status}"


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _iso_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
