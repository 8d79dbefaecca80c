"""Each library's choices about its public catalog: shown or switched off, partners' tools shown or not.

Server-side state of the pages (like the reminder settings), kept in the pages'
own database (table public_catalog_settings): kiosks have no use for it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sync.server.web.db import WebDB


@dataclass(frozen=True)
class PublicSettings:
    enabled: bool = True          # the catalog is on the front page unless the library switches it off
    show_partners: bool = False   # partners' tools appear only where the library asks for them


def load(db: WebDB, library: str) -> PublicSettings:
    row = db.one("SELECT settings FROM public_catalog_settings WHERE library = ?", (library,))
    stored = json.loads(row["settings"]) if row else {}
    return PublicSettings(**{k: bool(v) for k, v in stored.items() if k in PublicSettings.__dataclass_fields__})


def save(db: WebDB, library: str, settings: PublicSettings) -> None:
    db.execute("INSERT OR REPLACE INTO public_catalog_settings (library, settings) VALUES (?, ?)",
               (library, json.dumps(asdict(settings))))
