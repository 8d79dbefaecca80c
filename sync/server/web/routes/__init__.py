"""The pages, one module each, gathered into one router."""

from __future__ import annotations

from fastapi import APIRouter

from sync.server.web.routes import (
    auth, conflicts, holds, kiosks, loans, members, overdue, partners, public_catalog, reminders, repairs, report, stats,
    tools,
)


def build_router() -> APIRouter:
    router = APIRouter()  # each page module's router sets the route class that adds the security headers
    for module in (auth, overdue, loans, holds, conflicts, tools, repairs, members, partners, kiosks, stats, report,
                   reminders, public_catalog):
        router.include_router(module.router)
    return router
