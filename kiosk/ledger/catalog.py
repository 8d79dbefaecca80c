"""The catalog: tools, finding them by scan or search, and their categories."""

from __future__ import annotations

import json
from typing import Any

from kiosk.ledger import search
from kiosk.ledger.core import clean_fields
from kiosk.ledger.errors import InvalidInput, NotFound
from kiosk.ledger.events import TOOL_FIELDS, TOOL_STATUSES, check_fields
from kiosk.ledger.limits import check_code
from kiosk.ledger.minting import Minting
from kiosk.ledger.store import write_transaction

# Partner tools show the availability the server reported; own tools their own status. Both
# say how many members wait for them (never who).
_TOOL_COLUMNS = """tools.*, COALESCE(pa.status, tools.status) AS availability, pa.due_back,
    COALESCE(pa.waiting, (SELECT count(*) FROM holds h WHERE h.library = tools.library AND h.tool_code = tools.code
                          AND h.status = 'waiting')) AS waiting"""
_PARTNER_JOIN = "LEFT JOIN partner_availability pa ON pa.library = tools.library AND pa.code = tools.code"


class Catalog(Minting):
    def add_tool(self, code: str | None, name: str, **fields: Any) -> dict[str, Any]:
        """Adds a tool to the catalog; without a code, a fresh label code is minted."""
        code = check_code((code or "").strip() or self.mint_codes("tool", 1)[0], "a tool's code")
        if not name or not name.strip():
            raise InvalidInput("a tool needs a name")
        fields = check_fields(clean_fields({"name": name.strip(), **fields}), TOOL_FIELDS, "tool")
        _check_status(fields)
        with self._lock, write_transaction(self._conn, self.path):
            if self._tool_row(code) is not None:
                raise InvalidInput(f"a tool with the code {code} already exists")
            self._append("tool.added", f"tool:{code}", {"code": code, "fields": fields, "at": self.today().isoformat()})
        return self.tool(code)

    def edit_tool(self, code: str, **fields: Any) -> dict[str, Any]:
        fields = check_fields(clean_fields(fields), TOOL_FIELDS, "tool")
        _check_status(fields)
        if "name" in fields and not fields["name"]:
            raise InvalidInput("a tool needs a name")
        if not fields:
            raise InvalidInput("nothing to change")
        with self._lock, write_transaction(self._conn, self.path):
            if self._tool_row(code) is None:
                raise NotFound(f"no tool has the code {code}")
            self._append("tool.edited", f"tool:{code}", {"code": code, "fields": fields})
        return self.tool(code)

    def set_tool_status(self, code: str, status: str, note: str | None = None) -> dict[str, Any]:
        """In repair, back in service (available), missing or retired."""
        return self.edit_tool(code, status=status, **({"notes": note} if note else {}))

    def tool(self, code: str, library: str | None = None) -> dict[str, Any]:
        row = self._tool_row(code, library)
        if row is None:
            raise NotFound(f"no tool has the code {code}")
        tool = tool_dict(row)
        loan = self._query(
            "SELECT * FROM loans WHERE library = ? AND tool_code = ? AND closed_hlc IS NULL ORDER BY opened_hlc LIMIT 1",
            (tool["library"], code))
        tool["loan"] = loan[0] if loan else None
        return tool

    def find_tool(self, text: str) -> dict[str, Any] | None:
        """The own library's tool a scan names, by label code or maker's code (UPC-A as 12 or 13 digits)."""
        text = text.strip()
        row = self._tool_row(text)
        if row is None:
            variants = [text, "0" + text] if len(text) == 12 else [text, text[1:]] if len(text) == 13 and text.startswith("0") else [text]
            rows = self._query(
                f"SELECT * FROM tools WHERE library = ? AND maker_code IN ({','.join('?' * len(variants))}) LIMIT 1",
                (self.library["slug"], *variants))
            row = rows[0] if rows else None
        return None if row is None else self.tool(row["code"])

    def _tool_row(self, code: str, library: str | None = None) -> dict[str, Any] | None:
        """The tools row; read once a write (the checks before a checkout and the checkout itself)."""
        library = library or self.library["slug"]
        row = self._kept(f"tool:{library}:{code}", lambda: self._query(
            "SELECT * FROM tools WHERE library = ? AND code = ?", (library, code)))
        return dict(row[0]) if row else None

    def list_tools(self, *, status: str | None = None, category: str | None = None,
                   all_libraries: bool = False) -> list[dict[str, Any]]:
        sql, args = f"SELECT {_TOOL_COLUMNS} FROM tools {_PARTNER_JOIN} WHERE name IS NOT NULL", []
        if not all_libraries:
            sql += " AND tools.library = ?"
            args.append(self.library["slug"])
        if status:
            sql += " AND COALESCE(pa.status, tools.status) = ?"
            args.append(status)
        if category:
            sql += " AND (category = ? OR category LIKE ?)"
            args += [category, category + " > %"]
        sql += " ORDER BY tools.library, name, tools.code"
        return [tool_dict(r) for r in self._query(sql, tuple(args))]

    def search_tools(self, query: str, *, limit: int = 50, all_libraries: bool = False) -> list[dict[str, Any]]:
        match = search.match_expression(query)
        if match is None:
            return []
        sql = (f"SELECT {_TOOL_COLUMNS} FROM tools_fts JOIN tools ON tools.rowid = tools_fts.rowid {_PARTNER_JOIN} "
               "WHERE tools_fts MATCH ? AND tools.name IS NOT NULL")
        args: list[Any] = [match]
        if not all_libraries:
            sql += " AND tools.library = ?"
            args.append(self.library["slug"])
        sql += " ORDER BY bm25(tools_fts, 10.0, 3.0, 2.0, 2.0, 1.0, 5.0) LIMIT ?"
        args.append(limit)
        return [tool_dict(r) for r in self._query(sql, tuple(args))]

    def categories(self) -> list[str]:
        """Every category path in use, parents included, sorted: the tree as a list."""
        paths: set[str] = set()
        for row in self._query("SELECT DISTINCT category FROM tools WHERE library = ? AND category IS NOT NULL",
                               (self.library["slug"],)):
            parts = [p.strip() for p in row["category"].split(">")]
            paths.update(" > ".join(parts[: i + 1]) for i in range(len(parts)))
        return sorted(paths)


def tool_dict(row: dict[str, Any]) -> dict[str, Any]:
    """A tools row as the API gives it: availability as its status, the kit as a list."""
    tool = dict(row)
    if "availability" in tool:
        tool["status"] = tool.pop("availability")
    tool["kit"] = json.loads(tool["kit"]) if tool.get("kit") else []
    return tool


def _check_status(fields: dict[str, Any]) -> None:
    if fields.get("status") is not None and fields["status"] not in TOOL_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(TOOL_STATUSES)}")
