"""The public catalog's full-text index, kept inside each library's view (a SQLite file on every store).

The server's own database may be SQLite or PostgreSQL, but the pages read
per-library views that are always SQLite (``sync.server.web.views``), so one
index serves both: FTS5 with ``remove_diacritics 2`` ("sierra" finds "Sierra
de calar", "cepillo" finds "Cepíllo"). It covers what a borrower reads on the
tool page (description and kit contents too), unlike the kiosk's own index of
names and codes. Triggers on ``tools`` keep it current as the view applies
events; the first use fills it from the tools already there.
"""

from __future__ import annotations

import weakref

from kiosk.ledger.store import write_transaction
from sync.server.web.views import LibraryView

COLUMNS = ("name", "category", "brand", "model", "keywords", "description", "kit")
WEIGHTS = "10.0, 3.0, 2.0, 2.0, 2.0, 1.0, 1.0"  # bm25 weight per column, in COLUMNS order


def _values(row: str) -> str:
    """The indexed values of a tools row: the kit's parts as words, not as JSON (which escapes accents)."""
    kit = (f"CASE WHEN json_valid({row}.kit) THEN "
           f"(SELECT group_concat(value, ' ') FROM json_each({row}.kit)) END")
    return ", ".join(kit if c == "kit" else f"{row}.{c}" for c in COLUMNS)


_NEW = _values("new")
SCHEMA = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS public_fts USING fts5({', '.join(COLUMNS)},
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')""",
    f"""CREATE TRIGGER IF NOT EXISTS public_fts_insert AFTER INSERT ON tools BEGIN
        INSERT INTO public_fts (rowid, {', '.join(COLUMNS)}) VALUES (new.rowid, {_NEW}); END""",
    f"""CREATE TRIGGER IF NOT EXISTS public_fts_update AFTER UPDATE OF {', '.join(COLUMNS)} ON tools BEGIN
        DELETE FROM public_fts WHERE rowid = old.rowid;
        INSERT INTO public_fts (rowid, {', '.join(COLUMNS)}) VALUES (new.rowid, {_NEW}); END""",
    """CREATE TRIGGER IF NOT EXISTS public_fts_delete AFTER DELETE ON tools BEGIN
        DELETE FROM public_fts WHERE rowid = old.rowid; END""",
    # browsing by category and the whole list in name order, without reading every tool
    "CREATE INDEX IF NOT EXISTS public_tools_category ON tools (library, category, name COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS public_tools_name ON tools (library, name COLLATE NOCASE, code)",
]


def ensure(view: LibraryView) -> None:
    """Creates the index and its triggers once per view file, filled from the tools already applied."""
    if view in _READY:
        return
    with view.exclusive() as conn:  # no event is applied between the check and the fill
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'public_fts_delete'").fetchone():
            with write_transaction(conn, view.path):
                for statement in SCHEMA:
                    conn.execute(statement)
                conn.execute(f"INSERT INTO public_fts (rowid, {', '.join(COLUMNS)}) "
                             f"SELECT tools.rowid, {_values('tools')} FROM tools")
    _READY.add(view)


_READY: weakref.WeakSet[LibraryView] = weakref.WeakSet()  # open views known to have the index
