"""The HTTP API: enrollment, the sync round, photos. An ASGI app built by ``create_app``.

Bodies are read and checked by ``sync.protocol`` rather than by FastAPI's
models: the sync body is gzip, its size is bounded before it is parsed, and
one malformed event must be refused alone, not fail the whole round. The
OpenAPI description is still complete: the schemas come from the protocol.

More routes (coordinators' pages) can be mounted on the returned app, e.g.
under ``/web``, using the same ``app.state.storage``.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Coroutine

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk import __version__
from kiosk.ledger import clock
from sync import protocol
from sync.protocol import ProtocolError, SyncResponse
from sync.server.answer import answer_body
from sync.server.errors import Forbidden, ServerError, Unauthorized
from sync.server.storage import Device, Sighting, Storage, StoredEvent


class PlainRoute(APIRoute):
    """A route FastAPI describes like any other, served the way Starlette serves one: its endpoint takes
    the request and returns the response. None of FastAPI's work per request (dependencies, looking at
    the body, the response's model) is done for an endpoint that reads its body as bytes and answers
    with bytes; for a sync round that work cost about as much CPU as its hand-off to a thread."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return self.endpoint


def create_app(storage: Storage, *, now_ms: Callable[[], int] = clock.wall_ms) -> FastAPI:
    app = FastAPI(title="Tool Library Kiosk sync server", version=__version__,
                  description="Sync for tool library kiosks: one POST per round. See sync/protocol.py.")
    app.state.storage = storage
    # rounds take turns on as many threads as the storage gains from: 200 kiosks at once on Starlette's 40
    # threads cost half again as much CPU per round on SQLite as on one, for no more rounds a second
    rounds = anyio.CapacityLimiter(storage.rounds_at_once)

    @app.exception_handler(ServerError)
    async def _server_error(request: Request, exc: ServerError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(ProtocolError)
    async def _protocol_error(request: Request, exc: ProtocolError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": {"code": "invalid", "message": str(exc.errors())[:500]}}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": {"code": "http", "message": str(exc.detail)}}, status_code=exc.status_code)

    @app.get("/v1/health", summary="Whether the server is up, and its clock",
             responses={200: _json({"type": "object"})})
    def health() -> dict[str, Any]:
        return {"ok": True, "protocol": protocol.PROTOCOL, "server_time_ms": now_ms()}

    @app.post(protocol.ENROLL_PATH, summary="Trade a one-time enrollment code for a device token",
              openapi_extra=_body(protocol.ENROLL_REQUEST_SCHEMA),
              responses={200: _json(protocol.ENROLL_RESPONSE_SCHEMA), **_errors(401, 409, 413, 422)})
    async def enroll(request: Request) -> JSONResponse:
        # unauthenticated: the body is read only up to a few KB, and decoded off the event loop
        body = await _read(request, protocol.ENROLL_BOUNDS.body_bytes)
        answer = await run_in_threadpool(_enroll, storage, body, request.headers.get("content-encoding"))
        return JSONResponse(answer)

    async def sync(request: Request) -> Response:
        token = _token(request)
        body = await _read(request)
        gzip = "gzip" in request.headers.get("accept-encoding", "")
        # one trip to a worker thread for the whole round: the token, the body's gzip and JSON, the
        # database and the answer's encoding, so the event loop only moves bytes
        answer = await anyio.to_thread.run_sync(_sync, storage, token, body, request.headers.get("content-encoding"),
                                                gzip, now_ms, limiter=rounds)
        return Response(answer, media_type="application/json", headers={"Content-Encoding": "gzip"} if gzip else None)

    app.router.add_api_route(
        protocol.SYNC_PATH, sync, methods=["POST"], route_class_override=PlainRoute,
        summary="One sync round: push events, pull what this kiosk has not seen",
        openapi_extra={**_body(protocol.SYNC_REQUEST_SCHEMA), "security": [{"bearer": []}]},
        responses={200: _json(protocol.SYNC_RESPONSE_SCHEMA), **_errors(400, 401, 403, 404, 413, 415, 422, 426)})

    @app.put(protocol.PHOTO_PATH, summary="Upload a tool photo, addressed by its SHA-256",
             openapi_extra={"requestBody": {"content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}},
                            "security": [{"bearer": []}]},
             responses={201: _json({"type": "object"}), **_errors(400, 401, 403, 404, 413, 422)})
    async def put_photo(sha256: str, request: Request) -> JSONResponse:
        device = await _device(request)
        _check_sha(sha256)
        data = await _read(request, protocol.MAX_PHOTO_BYTES)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ProtocolError(422, "wrong_hash", "the photo's SHA-256 is not the one in the address")
        created = await run_in_threadpool(storage.put_photo, device, sha256, data)
        return JSONResponse({"stored": created}, status_code=201 if created else 200)

    @app.get(protocol.PHOTO_PATH, summary="Fetch a tool photo by its SHA-256",
             openapi_extra={"security": [{"bearer": []}]},
             responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                        **_errors(401, 403, 404, 422)})
    async def get_photo(sha256: str, request: Request) -> Response:
        device = await _device(request)
        _check_sha(sha256)
        data = await run_in_threadpool(storage.get_photo, device, sha256)
        return Response(data, media_type="application/octet-stream",
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})

    def _openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema.setdefault("components", {})["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = _openapi  # type: ignore[method-assign]

    async def _device(request: Request) -> Device:
        return await run_in_threadpool(storage.authenticate, _token(request))

    return app


def _token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send the device token as 'Authorization: Bearer <token>'; enroll with `toolkiosk enroll`")
    return token.strip()


def _enroll(storage: Storage, body: bytes, content_encoding: str | None) -> dict[str, Any]:
    """An enrollment request's body in, the new device and its token out; the server names the device."""
    req = protocol.parse_enroll_request(protocol.decode(body, content_encoding, protocol.ENROLL_BOUNDS))
    device, token = storage.enroll(req.code, req.library, req.name, kiosk_device=req.device)
    lib = storage.library(device.library)
    return {"token": token, "library": device.library, "library_name": lib["name"],
            "device": device.id, "device_name": device.name}


def _sync(storage: Storage, token: str, body: bytes, content_encoding: str | None, gzip: bool,
          now_ms: Callable[[], int]) -> bytes:
    """A sync request's body in, the answer's body out: authenticated before anything is decoded."""
    device = storage.authenticate(token)
    req = protocol.parse_sync_request(protocol.decode(body, content_encoding))
    return answer_body(*_round(storage, device, req, now_ms), compress=gzip)


def _round(storage: Storage, device: Device, req: protocol.SyncRequest,
           now_ms: Callable[[], int]) -> tuple[SyncResponse, list[StoredEvent]]:
    """Ingest first, then pull: the kiosk's own new events are acknowledged in the same round.
    The answer's page of events comes apart from the response, as stored (``answer.answer_body``)."""
    if req.library != device.library:
        storage.library(req.library)  # NotFound for a library this server does not have
        raise Forbidden(f"this device belongs to the library {device.library!r}, not {req.library!r}")
    if req.device != device.id:
        raise Forbidden(f"this token belongs to the device {device.id}, not {req.device}")
    arrived = now_ms()
    ingested = storage.ingest(device, req.events)
    page = storage.pull(device, req.cursors, req.limit, req.device_seq)
    offset = None if req.wall_ms is None else req.wall_ms - arrived
    ahead = max((ms for ms in (offset, ingested.clock_ahead_ms) if ms is not None and ms > storage.max_ahead_ms),
                default=None)
    storage.seen(device, Sighting(arrived, page.cursors[device.library], req.software_version, offset, req.outbox,
                                  clock_ahead_ms=ahead, clock_fine=ahead is None and offset is not None))
    return SyncResponse(now_ms(), ingested.acks, ingested.rejected, [], page.cursors, page.more,
                        page.availability, page.photos_wanted, page.rewound,
                        device_names=page.device_names, clock_ahead_ms=ahead), page.events


async def _read(request: Request, limit: int = protocol.MAX_BODY_BYTES) -> bytes:
    """The body, refused as soon as it grows past ``limit`` (nothing is buffered beyond it)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, "too_large", f"the body is over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, "too_large", f"the body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_sha(sha256: str) -> None:
    if not protocol.SHA256.match(sha256):
        raise ProtocolError(422, "invalid", "a photo is addressed by its SHA-256 as 64 lowercase hex digits")


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _errors(*statuses: int) -> dict[int, Any]:
    return {status: {"description": "refused, with a message", **_json(protocol.ERROR_SCHEMA)} for status in statuses}
