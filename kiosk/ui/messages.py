"""The ledger's refusals in the reader's language: chosen by reason key, filled from params.

The ledger words its messages in English for logs and the command line; the
screen says the same thing through the catalogs, so every reason the rules
can give has its sentence here.
"""

from __future__ import annotations

from typing import Any

from kiosk.ledger import Refusal
from kiosk.ui.i18n import N_, _, long_day

REFUSALS = {
    "unknown_member": N_("We don't know this card. A volunteer can register you."),
    "suspended": N_("This membership is suspended. Please speak to a coordinator."),
    "pending": N_("Your sign-up is waiting for a volunteer to check it. Please ask at the counter."),
    "membership_expired": N_("Your membership ended on {expires}. A volunteer can renew it."),
    "waiver_missing": N_("You have not signed the current waiver yet. A volunteer can help you sign it."),
    "over_limit": N_("You may have {limit} tools out at once. Return one first, or leave some here."),
    "duplicate": N_("This tool is already in your basket."),
    "unknown_tool": N_("We don't know this tool. Please give it to a volunteer."),
    "on_loan": N_("{name} is already on loan. Please give it to a volunteer."),
    "in_repair": N_("{name} is waiting for repair and cannot go out."),
    "missing": N_("{name} is marked missing. Please give it to a volunteer."),
    "retired": N_("{name} has been retired from lending."),
    "renewal_limit": N_("This loan has been renewed {limit} times already. Please bring the tool back."),
    "too_overdue": N_("This tool was due on {due}. Please bring it back; it cannot be renewed."),
    "held_for_another": N_("This is set aside for another member."),
    "someone_waiting": N_("Someone is waiting for this tool, so it cannot be renewed. Please bring it back by the due date."),
    "hold_limit": N_("You may wait for {limit} tools at once. Cancel one first."),
    "already_has": N_("You have {name} already."),
    "already_waiting": N_("You are already on the waiting list for {name}."),
    "not_holdable": N_("{name} cannot be lent at the moment, so it cannot be held."),
}

# The same reasons on a basket row, under the tool's name: short, and without repeating it
ROW_REFUSALS = {
    "unknown_tool": N_("We don't know this tool. Please give it to a volunteer."),
    "on_loan": N_("Already on loan: please give it to a volunteer."),
    "in_repair": N_("Waiting for repair: it cannot go out."),
    "missing": N_("Marked missing: please give it to a volunteer."),
    "retired": N_("Retired from lending: it cannot go out."),
    "over_limit": N_("Over your limit of {limit} tools at once: please leave it here."),
}

STATUSES = {
    "available": N_("Available"),
    "on_loan": N_("On loan"),
    "on_hold_shelf": N_("On the hold shelf"),
    "in_repair": N_("In repair"),
    "missing": N_("Missing"),
    "retired": N_("Retired"),
}


def refusal_text(refusal: Refusal, tool: dict[str, Any] | None = None, **known: Any) -> str:
    """``known`` fills what the refusal's params lack (a renewal refusal names neither its limit nor due date)."""
    template = REFUSALS.get(refusal.reason)
    if template is None:
        return refusal.message
    params = {**known, **refusal.params}
    params.setdefault("name", (tool or {}).get("name") or _("This tool"))
    for key in ("expires", "due"):
        if params.get(key):
            params[key] = long_day(params[key])
    try:
        return _(template).format(**params)
    except (KeyError, IndexError):
        return refusal.message


def row_refusal_text(refusal: Refusal, tool: dict[str, Any] | None = None) -> str:
    """Why a tool in a list cannot go out, the tool's name being already on the row."""
    template = ROW_REFUSALS.get(refusal.reason)
    return _(template).format(**refusal.params) if template else refusal_text(refusal, tool)


def status_text(status: str) -> str:
    return _(STATUSES.get(status, status))


def copy_text(tool: dict[str, Any] | None) -> str:
    """Which copy a tool is, for telling apart two of the same name: its shelf and the end of its label."""
    if not tool:
        return ""
    code = tool.get("code") or ""
    parts = code.split("-")
    # our labels end in the minting kiosk's sequence and a check character (DEMO-TDEMO0-05Z-M)
    end = "-".join(parts[-2:]) if len(parts) == 4 else code if len(code) <= 8 else code[-6:]
    label = _("label …{end}").format(end=end) if end != code else _("label {code}").format(code=code)
    shelf = tool.get("shelf")
    return _("Shelf {shelf}").format(shelf=shelf) + " · " + label if shelf else label


def kit_text(tool: dict[str, Any] | None) -> str:
    """The parts that go with a tool, or '' when it comes alone."""
    parts = (tool or {}).get("kit") or []
    return _("In the kit: {parts}").format(parts=", ".join(parts)) if parts else ""
