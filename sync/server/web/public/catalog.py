"""Reads of the public catalog over a library view: what a tool is, where it sits and whether it is in.

Only catalog columns are ever selected, and counts of waiting holds rather
than the holds: nothing here can carry who has a tool or who waits for it.
Retired tools are not shown.
"""

from __future__ import annotations

import functools
import json
import weakref
from dataclasses import dataclass
from typing import Any

from kiosk.ledger import rules
from kiosk.ledger.search import match_expression
from sync.server.web.public import search_index
from sync.server.web.public.search_index import WEIGHTS
from sync.server.web.views import LibraryView

PER_PAGE = 30
MAX_PAGE = 1000

_SHOWN = search_index.SHOWN.format(row="t")
_FIELDS = """t.code, t.name, t.category, t.brand, t.status, t.photo, t.shelf,
    (SELECT min(l.due) FROM loans l WHERE l.library = t.library AND l.tool_code = t.code
     AND l.closed_by IS NULL) AS due_back,
    (SELECT count(*) FROM holds h LEFT JOIN tools ht ON ht.library = h.library AND ht.code = h.tool_code
     WHERE h.library = t.library AND h.status = 'waiting' AND h.placed_hlc IS NOT NULL
     AND (h.tool_code = t.code OR (h.any_copy = 1 AND ht.copy_key = t.copy_key))) AS waiting"""


@dataclass(frozen=True)
class Results:
    tools: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def search(view: LibraryView, *, q: str = "", category: str = "", page: int = 1,
           per_page: int = PER_PAGE) -> Results:
    """Tools matching every word of ``q`` (accents ignored, best first) within ``category`` and its
    sub-categories; without ``q``, in name order."""
    search_index.ensure(view)
    match = match_expression(q) if q else None
    if q and match is None:
        return Results([], 0, 1, 1)  # only punctuation: nothing can match
    if match and not category:
        return _ranked(view, match, page, per_page)
    where, args = ["t.library = ?", _SHOWN], [view.library]
    if category:
        # the category and everything below it: one range the index on (library, category) reads, then exactly
        where.append("t.category >= ? AND t.category < ? AND (t.category = ? OR substr(t.category, 1, ?) = ?)")
        args += [category, category + " >\U0010ffff", category, len(category) + 3, category + " > "]
    if match:
        source = "public_fts f CROSS JOIN tools t ON t.rowid = f.rowid"  # CROSS: the index first, always
        where.insert(0, "public_fts MATCH ?")
        args.insert(0, match)
        rank = f"bm25(public_fts, {WEIGHTS})"
    else:
        source, rank = "tools t", "0"
    condition = " AND ".join(where)
    total = view.query(f"SELECT count(*) FROM {source} WHERE {condition}", tuple(args))[0][0]
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    # rank and cut the page on bare rows first; availability is worked out for the page's tools only
    rows = view.query(
        f"""SELECT {_FIELDS} FROM (
                SELECT t.rowid AS id, {rank} AS score, t.name AS name, t.code AS code FROM {source}
                WHERE {condition} ORDER BY score, name COLLATE NOCASE, code LIMIT ? OFFSET ?) AS hit
            CROSS JOIN tools t ON t.rowid = hit.id ORDER BY hit.score, hit.name COLLATE NOCASE, hit.code""",
        (*args, per_page, (page - 1) * per_page))
    return Results([dict(r) for r in rows], total, page, pages)


def _ranked(view: LibraryView, match: str, page: int, per_page: int) -> Results:
    """A search of the whole catalog, counted and ranked inside the index, which holds exactly the
    shown tools of the view's one library. Ranking depends on the catalog's words alone, not on
    loans, so a ranked page is kept until a tool is added, edited or retired; availability is read
    fresh every time. Tools as relevant as each other are cut into pages in catalog order and shown
    by name within their page."""
    total, pages, page, ids = _rank(view, search_index.generation(view), match, page, per_page)
    rows = view.query(
        f"""SELECT {_FIELDS}, t.rowid AS id FROM tools t WHERE t.rowid IN ({", ".join("?" * len(ids))})
            AND +t.library = ? AND {_SHOWN}""", (*ids, view.library))  # +: by rowid, never a library index
    place = {tool_id: n for n, tool_id in enumerate(ids)}
    tools = sorted((dict(r) for r in rows), key=lambda r: place[r.pop("id")])
    return Results(tools, total, page, pages)


@functools.lru_cache(maxsize=1024)   # a ranked page is a few hundred bytes
def _rank(view: LibraryView, generation: int, match: str, page: int, per_page: int) -> tuple[int, int, int, list[int]]:
    """(matches, pages, the page, its tools' rowids in the order shown). ``generation`` is only part of
    the key: once the index moves, a page is ranked again."""
    total = view.query("SELECT count(*) FROM public_fts WHERE public_fts MATCH ?", (match,))[0][0]
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = view.query(
        f"""SELECT hit.id FROM (
                SELECT rowid AS id, bm25(public_fts, {WEIGHTS}) AS score FROM public_fts WHERE public_fts MATCH ?
                ORDER BY score, rowid LIMIT ? OFFSET ?) AS hit
            CROSS JOIN tools t ON t.rowid = hit.id ORDER BY hit.score, t.name COLLATE NOCASE, t.code""",
        (match, per_page, (page - 1) * per_page))
    return total, pages, page, [r["id"] for r in rows]


def tool(view: LibraryView, code: str) -> dict[str, Any] | None:
    """One tool as its public page shows it, with its loan period by the library's rules."""
    rows = view.query(f"""SELECT {_FIELDS}, t.model, t.description, t.kit, t.loan_days
                          FROM tools t WHERE t.library = ? AND t.code = ? AND {_SHOWN}""", (view.library, code))
    if not rows:
        return None
    found = dict(rows[0])
    found["kit"] = json.loads(found["kit"]) if found["kit"] else []
    found["loan_days"] = rules.loan_days(found, view.settings())
    return found


def categories(view: LibraryView) -> list[dict[str, Any]]:
    """Every category path in use, parents included, with how many tools each holds (sub-categories too).

    Counting reads every tool, and every catalog page shows the list: it is kept until the view moves on."""
    cursor = view.cursor
    kept = _CATEGORIES.get(view)
    if kept and kept[0] == cursor:
        return kept[1]
    counts: dict[str, int] = {}
    for row in view.query(f"""SELECT t.category, count(*) AS n FROM tools t
                              WHERE t.library = ? AND {_SHOWN} AND t.category IS NOT NULL GROUP BY t.category""",
                          (view.library,)):
        parts = [p.strip() for p in row["category"].split(">")]
        for depth in range(len(parts)):
            path = " > ".join(parts[: depth + 1])
            counts[path] = counts.get(path, 0) + row["n"]
    tree = [{"path": path, "name": path.split(" > ")[-1], "depth": path.count(" > "), "count": n}
            for path, n in sorted(counts.items(), key=lambda item: item[0].lower())]
    _CATEGORIES[view] = (cursor, tree)
    return tree


_CATEGORIES: weakref.WeakKeyDictionary[LibraryView, tuple[int, list[dict[str, Any]]]] = weakref.WeakKeyDictionary()


def branch(tree: list[dict[str, Any]], open_path: str = "") -> list[dict[str, Any]]:
    """The tree as a visitor browses it: the top categories, and the way down to the open one with what is in it."""
    ancestors = {open_path.rsplit(" > ", depth)[0] for depth in range(open_path.count(" > ") + 1)} if open_path else set()
    return [c for c in tree if c["depth"] == 0 or c["path"].rsplit(" > ", 1)[0] in ancestors]


def has_tools(view: LibraryView) -> bool:
    return bool(view.query(f"SELECT 1 FROM tools t WHERE t.library = ? AND {_SHOWN} LIMIT 1", (view.library,)))
