"""What the server refuses, each with its HTTP status and a message for people.

ServerError
├── NotFound          an unknown library, device, invitation code or photo (404)
├── AlreadyExists     a library slug or device that is already there (409)
├── Unauthorized      no token, or one the server never issued (401)
├── Forbidden         a token that may not do this (403)
│   └── Revoked       a device a coordinator revoked (403)
└── Invalid           a value of the wrong kind or shape (422)

Protocol-level problems (bad JSON, oversized bodies, an old kiosk) are
``sync.protocol.ProtocolError``; the app answers both the same way.
"""

from __future__ import annotations


class ServerError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}


class NotFound(ServerError):
    status, code = 404, "not_found"


class AlreadyExists(ServerError):
    status, code = 409, "already_exists"


class Unauthorized(ServerError):
    status, code = 401, "unauthorized"


class Forbidden(ServerError):
    status, code = 403, "forbidden"


class Revoked(Forbidden):
    code = "revoked"


class Invalid(ServerError):
    status, code = 422, "invalid"
