"""The public catalog's full-text index, kept inside each library's view (a SQLite file on every store).

The server's own database may be SQLite or PostgreSQL, but the pages read
per-library views that are always SQLite (``sync.server.web.views``), so one
index serves both: FTS5 with ``remove_diacritics 2`` ("sierra" finds "Sierra
de calar", "cepillo" finds "Cepíllo"). It covers what a borrower reads on the
tool page (description and kit contents too), unlike the kiosk's own index of
names and codes. It holds only the tools the catalog shows (named, not
retired), so counting a search's matches never reads the tools table.
Triggers on ``tools`` keep it current as the view applies events; the first
use fills it from the tools already there.
"""

from __future__ import annotations

import sqlite3
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
_LISTED = ", ".join(COLUMNS)
SHOWN = "{row}.name IS NOT NULL AND {row}.status != 'retired'"   # the tools the public catalog shows (catalog.py too)
_HIDDEN = "coalesce({row}.status = 'retired', 1)"                # 1 for a retired tool (or one without a status)
VERSION = "2"   # of the index and its triggers: a view holding another is rebuilt
GENERATION = "public_fts_generation"   # meta key: moves whenever the index changes, so rankings can be kept
_MOVED = f"UPDATE meta SET value = value + 1 WHERE key = '{GENERATION}';"
_REINDEX = f"""DELETE FROM public_fts WHERE rowid = old.rowid;
        INSERT INTO public_fts (rowid, {_LISTED}) SELECT new.rowid, {_NEW} WHERE {SHOWN.format(row="new")};
        {_MOVED}"""
SCHEMA = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS public_fts USING fts5({_LISTED},
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')""",
    f"""CREATE TRIGGER IF NOT EXISTS public_fts_insert AFTER INSERT ON tools WHEN {SHOWN.format(row="new")} BEGIN
        INSERT INTO public_fts (rowid, {_LISTED}) VALUES (new.rowid, {_NEW}); {_MOVED} END""",
    f"""CREATE TRIGGER IF NOT EXISTS public_fts_update AFTER UPDATE OF {_LISTED} ON tools BEGIN {_REINDEX} END""",
    # a tool's status moves with every loan; only retiring it (or bringing it back) changes the index
    f"""CREATE TRIGGER IF NOT EXISTS public_fts_retired AFTER UPDATE OF status ON tools
        WHEN {_HIDDEN.format(row="old")} IS NOT {_HIDDEN.format(row="new")} BEGIN {_REINDEX} END""",
    f"""CREATE TRIGGER IF NOT EXISTS public_fts_delete AFTER DELETE ON tools BEGIN
        DELETE FROM public_fts WHERE rowid = old.rowid; {_MOVED} END""",
    # browsing by category and the whole list in name order, without reading every tool
    "CREATE INDEX IF NOT EXISTS public_tools_category ON tools (library, category, name COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS public_tools_name ON tools (library, name COLLATE NOCASE, code)",
]


def ensure(view: LibraryView) -> None:
    """Creates the index and its triggers once per view file, filled from the tools already applied."""
    if view in _READY:
        return
    with view.exclusive() as conn:  # no event is applied between the check and the fill
        if _version(conn) != VERSION:
            with write_transaction(conn, view.path):
                if _version(conn) != VERSION:  # another server process may have built it meanwhile
                    _build(conn)
    _READY.add(view)


def generation(view: LibraryView) -> int:
    """A number that changes whenever the index does (a tool added, edited, retired or removed)."""
    rows = view.query(f"SELECT value FROM meta WHERE key = '{GENERATION}'")
    return int(rows[0]["value"]) if rows else 0


def _version(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'public_fts'").fetchone()
    return row["value"] if row else None


def _build(conn: sqlite3.Connection) -> None:
    for name in ("public_fts_insert", "public_fts_update", "public_fts_retired", "public_fts_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    conn.execute("DROP TABLE IF EXISTS public_fts")
    for statement in SCHEMA:
        conn.execute(statement)
    conn.execute(f"INSERT INTO public_fts (rowid, {', '.join(COLUMNS)}) "
                 f"SELECT tools.rowid, {_values('tools')} FROM tools WHERE {SHOWN.format(row='tools')}")
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('public_fts', ?)", (VERSION,))
    conn.execute(f"INSERT OR IGNORE INTO meta (key, value) VALUES ('{GENERATION}', 0)")


_READY: weakref.WeakSet[LibraryView] = weakref.WeakSet()  # open views known to have the index
