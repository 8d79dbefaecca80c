"""The impact report a library hands to its funders: counts, never people.

``gather`` reads one library's figures from any database with the ledger's tables (a kiosk's
ledger, or the server's view of a library) through a ``query(sql, args)`` callable, with one
aggregate query per figure. ``publish`` turns raw figures into the report: breakdowns hide every
group of fewer than ``SMALL_GROUP`` people by merging them, while the totals stay exact.
``combine`` adds up the raw figures of partner libraries that share theirs.

Borrowers are counted by an opaque key (``borrower_tag``) that a loan keeps after the retention
rule forgot who borrowed, with the borrower's area and joining day: the report gives the same
figures before and after forgetting.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable, Mapping, Sequence

from kiosk.ledger import clock
from kiosk.ledger.errors import InvalidInput
from kiosk.ledger.events import Event

SMALL_GROUP = 5                   # a breakdown's group of fewer people than this is merged
MERGED = "fewer than 5"           # the merged group's name
NO_AREA = "not given"             # borrowers who gave no neighbourhood or postal area
NO_CATEGORY = "uncategorised"
REPORT_MAX_DAYS = 3660            # one report covers at most ten years
KEYS = ("loans", "borrowers", "new_members", "returning_members", "value_lent", "loans_without_value",
        "repairs_closed", "repair_cost", "tools_added", "by_category", "by_area")

Query = Callable[[str, tuple], Sequence[Mapping[str, Any]]]


def borrower_tag(library: str, member_code: str | None) -> str | None:
    """The key distinct borrowers are counted by; the same on every replica, and no member code."""
    if not member_code:
        return None
    return hashlib.sha256(f"{library}\0{member_code}".encode()).hexdigest()[:20]


def kept_counts(library: str, member_code: str, member_events: Iterable[Event]) -> dict[str, Any]:
    """What a loan keeps of its borrower once forgotten, from the member's own events (the server's
    store has no members table): the counting key, the area by last writer, the day they joined."""
    area, area_clock, joined = None, None, None
    for event in member_events:
        fields = event.payload.get("fields") or {}
        if "area" in fields and (area_clock is None or (event.hlc, event.device) > area_clock):
            area, area_clock = fields["area"], (event.hlc, event.device)
        if event.type == "member.added":
            at = event.payload.get("at")
            joined = at if isinstance(at, str) else clock.stamp_date(event.hlc).isoformat()
    return {"tag": borrower_tag(library, member_code), "area": area, "joined": joined}


def check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(f"the report's end ({end}) is before its start ({start})")
    if (end - start).days > REPORT_MAX_DAYS:
        raise InvalidInput(f"a report covers at most {REPORT_MAX_DAYS} days")


@dataclass
class Figures:
    """One library's (or a network's) figures before small groups are merged."""

    loans: int = 0
    borrowers: int = 0
    new_members: int = 0
    returning_members: int = 0
    value_lent: float = 0.0
    loans_without_value: int = 0
    repairs_closed: int = 0
    repair_cost: float = 0.0
    tools_added: int = 0
    categories: dict[str, tuple[int, int]] = field(default_factory=dict)   # category -> (loans, borrowers)
    areas: dict[str, int] = field(default_factory=dict)                    # area -> borrowers


# Loans are read through a covering index (loans_report) in two passes: grouped by tool (each tool
# lent joined once, for categories and values) and grouped by borrower (each one's area, joining day
# and the tools they borrowed). Distinct borrowers per category follow from those two in Python,
# which is cheaper than sorting every (category, borrower) pair of the period in SQL.
_PERIOD = "library = ? AND opened_at BETWEEN ? AND ?"
_CATEGORY = ("COALESCE(NULLIF(TRIM(CASE WHEN instr(t.category, '>') > 0 THEN substr(t.category, 1, "
             "instr(t.category, '>') - 1) ELSE t.category END), ''), ?)")


def gather(query: Query, library: str, start: date, end: date) -> Figures:
    """The library's raw figures for the days from ``start`` to ``end``, both included."""
    check_period(start, end)
    period = (library, start.isoformat(), end.isoformat())
    figures = Figures()
    category_of: dict[str, str] = {}
    loans_by_category: dict[str, int] = {}
    values: list[float] = []
    for row in query(
            f"""SELECT x.tool_code, x.n, {_CATEGORY} AS category, t.replacement_value AS value
                FROM (SELECT tool_code, count(*) AS n FROM loans WHERE {_PERIOD} GROUP BY tool_code) x
                LEFT JOIN tools t ON t.library = ? AND t.code = x.tool_code""",
            (NO_CATEGORY, *period, library)):
        category_of[row["tool_code"]] = row["category"]
        loans_by_category[row["category"]] = loans_by_category.get(row["category"], 0) + row["n"]
        figures.loans += row["n"]
        if row["value"] is not None and row["value"] > 0:
            values.append(row["n"] * row["value"])
        else:
            figures.loans_without_value += row["n"]
    figures.value_lent = round(math.fsum(values), 2)
    # borrowers: each one's area and joining day, kept on a forgotten loan, else the member's
    people: dict[str, tuple[str, bool]] = {}
    borrowed_in: dict[str, set[str]] = {}   # borrower -> categories
    for row in query(
            f"""SELECT b.tag, COALESCE(NULLIF(TRIM(COALESCE(b.area, m.area)), ''), ?) AS area,
                       COALESCE(b.joined, m.joined, '') < ? AS came_before, b.tools
                FROM (SELECT borrower_tag AS tag, member_code, max(borrower_area) AS area,
                             max(borrower_joined) AS joined, json_group_array(tool_code) AS tools
                      FROM loans WHERE {_PERIOD} AND borrower_tag IS NOT NULL GROUP BY borrower_tag, member_code) b
                LEFT JOIN members m ON m.library = ? AND m.code = b.member_code""",
            (NO_AREA, start.isoformat(), *period, library)):
        area, returning = people.get(row["tag"], (row["area"], False))
        people[row["tag"]] = (area if area != NO_AREA else row["area"], returning or bool(row["came_before"]))
        borrowed_in.setdefault(row["tag"], set()).update(category_of[code] for code in json.loads(row["tools"]))
    figures.borrowers = len(people)
    figures.returning_members = sum(returning for _, returning in people.values())
    for area, _ in people.values():
        figures.areas[area] = figures.areas.get(area, 0) + 1
    borrowers_by_category = Counter(category for categories in borrowed_in.values() for category in categories)
    figures.categories = {category: (loans, borrowers_by_category[category])
                          for category, loans in loans_by_category.items()}
    figures.new_members = query(
        "SELECT count(*) AS n FROM members WHERE library = ? AND name IS NOT NULL AND joined BETWEEN ? AND ?",
        period)[0]["n"]
    repairs = query(
        """SELECT count(*) AS n, COALESCE(sum(cost), 0) AS cost FROM repairs
           WHERE library = ? AND status IN ('fixed', 'cannot_fix') AND closed_at BETWEEN ? AND ?""", period)[0]
    figures.repairs_closed, figures.repair_cost = repairs["n"], round(repairs["cost"], 2)
    figures.tools_added = query(
        "SELECT count(*) AS n FROM tools WHERE library = ? AND name IS NOT NULL AND added_at BETWEEN ? AND ?",
        period)[0]["n"]
    return figures


def combine(parts: Iterable[Figures]) -> Figures:
    """Partner libraries' figures added up (their members are different people)."""
    total = Figures()
    for part in parts:
        for name in ("loans", "borrowers", "new_members", "returning_members", "value_lent", "loans_without_value",
                     "repairs_closed", "repair_cost", "tools_added"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        for category, (loans, people) in part.categories.items():
            before = total.categories.get(category, (0, 0))
            total.categories[category] = (before[0] + loans, before[1] + people)
        for area, people in part.areas.items():
            total.areas[area] = total.areas.get(area, 0) + people
    total.value_lent, total.repair_cost = round(total.value_lent, 2), round(total.repair_cost, 2)
    return total


def publish(figures: Figures, start: date, end: date) -> dict[str, Any]:
    """The report as the command line and the pages give it, small groups merged."""
    categories = _merge_small({c: (loans, people) for c, (loans, people) in figures.categories.items()})
    areas = _merge_small({a: (people, people) for a, people in figures.areas.items()})
    return {
        "from": start.isoformat(), "to": end.isoformat(),
        "loans": figures.loans, "borrowers": figures.borrowers,
        "new_members": figures.new_members, "returning_members": figures.returning_members,
        "value_lent": figures.value_lent, "loans_without_value": figures.loans_without_value,
        "repairs_closed": figures.repairs_closed, "repair_cost": figures.repair_cost,
        "tools_added": figures.tools_added,
        "by_category": [{"category": name, "loans": loans} for name, loans in categories],
        "by_area": [{"area": name, "borrowers": people} for name, people in areas],
    }


def _merge_small(groups: Mapping[str, tuple[int, int]]) -> list[tuple[str, int]]:
    """(name, shown number) largest first; groups of fewer than SMALL_GROUP people become one
    MERGED group at the end, so no small group can be told apart and the sum stays exact."""
    shown = [(name, value) for name, (value, people) in groups.items() if people >= SMALL_GROUP]
    small = [value for value, people in groups.values() if people < SMALL_GROUP]
    shown.sort(key=lambda item: (-item[1], item[0]))
    if small:
        shown.append((MERGED, sum(small)))
    return shown
