"""What the screens ask of the ledger, in the shapes they show. No Kivy here.

Screens never hold a ledger: they call this service, which turns ledger rows
into what a screen displays (a member's loans with days overdue, a basket's
reasons, the overdue list sorted) and keeps the kiosk-local settings (PINs,
idle timeout, camera) in the ledger's meta table, which never syncs.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import secrets
import shlex
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from kiosk import csvcell
from kiosk.codeformat import code_kind
from kiosk.ledger import Ledger, Refusal, rules
from kiosk.ledger.events import MEMBER_LANGUAGES
from kiosk.ui.drives import Drive, removable_drives
from kiosk.ui.hold_service import HoldService

log = logging.getLogger(__name__)

LOCAL_DEFAULTS: dict[str, str] = {
    "idle_timeout": "60",         # seconds without a touch or scan before "Still there?"
    "idle_warning": "20",         # seconds "Still there?" counts down before going home
    "language": "en",             # the language home returns to
    "camera": "",                 # frame source spec; empty: the first camera found
    "scanner": "",                # keyboard-wedge device; empty: any that looks like one
    "receipt_command": "",        # e.g. "lp -d receipts"; empty: receipts are only saved
    "label_command": "",          # e.g. "lp -d labels"; empty: labels are only saved
    "label_stock": "62mm",         # a thermal roll; 5160 and l7160 are sheets
    "receipt_seconds": "8",
    "keyboard": "auto",           # on-screen keyboard: auto, on, off
    "volume": "80",               # of the result sounds, 0 to 100
    "help_command": "",           # run when a borrower taps Need help? (a chime, a light, a message)
    "help_where": "",             # where to find a volunteer; empty: the front desk
    "scan_where": "",             # where the camera and scanner are; empty: the camera picture on screen
}
VOLUME_RANGE = (0, 100)
DEFAULT_PINS = {"volunteer": "1234", "coordinator": "4321"}
ROLES = ("volunteer", "coordinator")


Printed = Callable[[Optional[str]], None]  # None: the printer took it; else what went wrong


@dataclass(frozen=True)
class Printing:
    """A label drawn to its file, and whether it also went to a printer (which answers later)."""

    path: Path
    sent: bool


def print_file(command: str, path: Path, timeout: float = 60.0) -> str | None:
    """Runs the printer command with the file; None when it worked, else the error in a line."""
    try:
        subprocess.run([*shlex.split(command), str(path)], check=True, timeout=timeout,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except subprocess.CalledProcessError as exc:
        said = (exc.stderr or "").strip().splitlines()
        return said[-1] if said else f"{exc.cmd[0]} stopped with status {exc.returncode}"
    except subprocess.TimeoutExpired:
        return f"the printer did not answer within {timeout:.0f} seconds"
    except OSError as exc:  # no such printer command
        return f"{exc.strerror or exc}: {exc.filename or command}"
    except ValueError as exc:  # a command line shlex cannot read
        return str(exc)
    return None


@dataclass
class Scan:
    """What a scanned text names: a member's card, one of our tools, or nothing known."""

    text: str
    kind: str  # "member", "tool" or "unknown"
    member: dict[str, Any] | None = None
    tool: dict[str, Any] | None = None

    @property
    def is_maker_code(self) -> bool:
        """A maker's UPC/EAN rather than one of our labels."""
        return self.text.isdigit() and len(self.text) in (8, 12, 13, 14)

    @property
    def fresh(self) -> str | None:
        """For an unknown scan: "tool" or "member" for a fresh label of ours, "maker" for a UPC/EAN."""
        if self.kind != "unknown":
            return None
        return code_kind(self.text) or ("maker" if self.is_maker_code else None)


@dataclass
class BasketItem:
    code: str
    tool: dict[str, Any] | None
    due: date | None = None
    refusal: Refusal | None = None


@dataclass
class MemberView:
    member: dict[str, Any]
    loans: list[dict[str, Any]] = field(default_factory=list)  # each with days_overdue, tool and renewal_refusal
    refusals: list[Refusal] = field(default_factory=list)      # why the member can borrow nothing today

    @property
    def first_name(self) -> str:
        return (self.member.get("name") or "").split(" ")[0]


class KioskService(HoldService):
    def __init__(self, ledger: Ledger, home: Path, find_drives: Callable[[], list[Drive]] = removable_drives):
        self.ledger = ledger
        self.home = Path(home)
        self.find_drives = find_drives

    def close(self) -> None:
        self.ledger.close()

    # -- reading scans ---------------------------------------------------------------

    def identify(self, text: str) -> Scan:
        text = text.strip()
        member = self.ledger.find_member(text)
        if member is not None and member.get("name"):
            return Scan(text, "member", member=member)
        tool = self.ledger.find_tool(text)
        if tool is not None and tool.get("name"):
            return Scan(text, "tool", tool=tool)
        return Scan(text, "unknown")

    def today(self) -> date:
        return self.ledger.today()

    # -- borrowers -------------------------------------------------------------------

    def member_view(self, code: str) -> MemberView:
        """The member, their loans (each with whether the rules let it be renewed), and why they
        can borrow nothing today (membership, waiver, a full limit), if so."""
        member = self.ledger.member(code)
        settings, today = self.ledger.settings, self.today()
        loans = []
        for loan in self.ledger.loans(member_code=code):
            loan = dict(loan)
            loan["days_overdue"] = rules.days_overdue(loan["due"], today)
            loan["tool"] = self.ledger.find_tool(loan["tool_code"])
            loan["renewal_refusal"] = rules.renewal_refusal(loan, settings, today,
                                                            self.ledger.waiting_count(loan["tool_code"]))
            loans.append(loan)
        return MemberView(member, loans, rules.borrowing_refusals(member, code, len(loans), settings, today))

    def basket(self, member_code: str, codes: Sequence[str]) -> list[BasketItem]:
        """Each tool, in the order scanned, with its due date or the reason it cannot go out.
        Past the member's loan limit, the tools scanned last wait here."""
        refusals = self.ledger.checkout_refusals(member_code, list(codes))
        by_tool = {r.subject: r for r in refusals if r.subject in codes and r.subject != member_code}
        settings, today = self.ledger.settings, self.today()
        items = []
        for code in codes:
            tool = self.ledger.find_tool(code)
            refusal = by_tool.get(code)
            due = None if tool is None or refusal else rules.due_date(today, rules.loan_days(tool, settings), settings)
            items.append(BasketItem(code, tool, due, refusal))
        going = [item for item in items if item.refusal is None]
        over = next((r for r in self.ledger.checkout_refusals(member_code, [i.code for i in going])
                     if r.reason == "over_limit"), None)
        if over is not None:
            room = max(0, over.params["limit"] - over.params["out"])
            for item in going[room:]:
                item.due, item.refusal = None, Refusal(item.code, "over_limit", over.message, over.params)
        return items

    def checkout(self, member_code: str, codes: Sequence[str]) -> list[dict[str, Any]]:
        return self.ledger.checkout(member_code, list(codes))

    def checkin(self, code: str, condition: str, missing_parts: Sequence[str] = (), note: str | None = None,
                problem: str | None = None) -> dict:
        """Records the return; ``problem`` (what is wrong with a tool needing repair) goes into the
        tool's notes for the volunteer who mends it."""
        return self.ledger.checkin(code, condition=condition, note=note, missing_parts=list(missing_parts),
                                   problem=problem)

    def renew(self, tool_code: str) -> dict[str, Any]:
        return self.ledger.renew(tool_code)

    def is_open_today(self) -> bool:
        return rules.is_open(self.today(), self.ledger.settings)

    def hours_today(self) -> str | None:
        return rules.opening_hours_today(self.today(), self.ledger.settings)

    def next_opening(self) -> tuple[date, str | None] | None:
        """The next day after today the library opens, and its hours; None when it never does."""
        settings = self.ledger.settings
        day = rules.next_open_day(self.today() + timedelta(days=1), settings)
        if not rules.is_open(day, settings):
            return None
        return day, rules.opening_hours_today(day, settings)

    def photo_path(self, tool: dict[str, Any] | None) -> str:
        """An existing file for the tool's photo, or '' when it has none."""
        if not tool or not tool.get("photo"):
            return ""
        path = Path(tool["photo"])
        path = path if path.is_absolute() else self.home / path
        return str(path) if path.exists() else ""

    # -- volunteers: tools -------------------------------------------------------------

    def catalog_match(self, maker_code: str) -> dict[str, Any] | None:
        """A tool with this maker's code anywhere in the shared catalog, for prefilling name, brand and model."""
        variants = {maker_code, maker_code.lstrip("0"), "0" + maker_code}
        for tool in self.ledger.list_tools(all_libraries=True):
            if tool.get("maker_code") and tool["maker_code"].lstrip("0") in {v.lstrip("0") for v in variants}:
                return tool
        return None

    def is_fresh_code(self, text: str) -> bool:
        """A label nothing in this library uses yet."""
        return self.ledger.find_member(text) is None and self.ledger.find_tool(text) is None

    def save_tool(self, code: str | None, fields: dict[str, Any], photo: Any = None) -> dict[str, Any]:
        """Adds (code None or new) or edits a tool; ``photo`` is an image array to store as its picture."""
        existing = self.ledger.find_tool(code) if code else None
        if existing is None:
            tool = self.ledger.add_tool(code, fields.pop("name", ""), **fields)
        else:
            tool = self.ledger.edit_tool(existing["code"], **fields) if fields else existing
        if photo is not None:
            tool = self.ledger.edit_tool(tool["code"], photo=self.save_photo(tool["code"], photo))
        return tool

    def save_photo(self, code: str, image: Any) -> str:
        """Stores the picture under its SHA-256, the name sync uses to send it to the other kiosks."""
        import hashlib

        import cv2

        ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
        if not ok:
            raise OSError(f"could not encode the photo of {code}")
        data = encoded.tobytes()
        folder = self.home / "photos"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{hashlib.sha256(data).hexdigest()}.jpg"
        (folder / name).write_bytes(data)
        return f"photos/{name}"

    def set_tool_status(self, code: str, status: str, note: str | None = None) -> dict[str, Any]:
        return self.ledger.set_tool_status(code, status, note)

    def print_label(self, code: str, title: str, on_printed: Printed | None = None) -> Printing:
        """Draws the label into <home>/labels/ and hands it to the label printer, if one is set."""
        from kiosk.labels import LabelText, get_stock, write_labels

        folder = self.home / "labels"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{code}.png"
        write_labels([LabelText(code, title, self.ledger.library["name"])], get_stock(self.local("label_stock")), path)
        return Printing(path, self._print(self.local("label_command"), path, on_printed))

    def print_receipt(self, member: dict[str, Any], loans: Sequence[dict[str, Any]], lines: Sequence[str],
                      on_printed: Printed | None = None) -> Path:
        """Saves the receipt text and hands it to the receipt printer, if one is set."""
        folder = self.home / "receipts"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{datetime.now():%Y%m%d-%H%M%S}-{member['code']}.txt"
        path.write_text("\n".join([self.ledger.library["name"], *lines, ""]), encoding="utf-8")
        self._print(self.local("receipt_command"), path, on_printed)
        return path

    def _print(self, command: str, path: Path, on_printed: Printed | None = None) -> bool:
        """Runs the printer command on a thread; False when no printer is set up. ``on_printed``
        hears, from that thread, None once the printer took the file or what went wrong."""
        if not command.strip():
            return False

        def run() -> None:
            error = print_file(command, path)
            if error:
                log.warning("printing %s failed: %s", path, error)
            if on_printed is not None:
                on_printed(error)

        threading.Thread(target=run, name="print", daemon=True).start()
        return True

    def call_for_help(self, screen: str) -> bool:
        """Runs the library's help hook (a shell command; $TOOLKIOSK_SCREEN names the screen) without
        waiting for it; False when none is set."""
        command = self.local("help_command").strip()
        if not command:
            return False
        _in_background(["/bin/sh", "-c", command], "the help hook", env={**os.environ, "TOOLKIOSK_SCREEN": screen})
        return True

    def categories(self) -> list[str]:
        return self.ledger.categories()

    # -- volunteers: members -------------------------------------------------------------

    def register_member(self, code: str | None, name: str, *, email: str = "", phone: str = "", area: str = "",
                        language: str | None = None, waiver_language: str | None = None,
                        months: int = 12) -> dict[str, Any]:
        """A new member who read the waiver (in ``waiver_language``) and speaks ``language``."""
        expires = (self.today() + timedelta(days=round(months * 365 / 12))).isoformat()
        with self.ledger.batch():
            member = self.ledger.add_member(code or None, name, email=email, phone=phone, area=area, expires=expires,
                                            language=language)
            return self.ledger.accept_waiver(member["code"], waiver_language)

    def renew_membership(self, code: str, months: int = 12, waiver_language: str | None = None,
                         **details: str) -> dict[str, Any]:
        """A year more (from today, or from the end date when still running), with any corrections
        to name, email, phone and language in the same event."""
        member = self.ledger.member(code)
        start = max(self.today(), date.fromisoformat(member["expires"])) if member.get("expires") else self.today()
        with self.ledger.batch():
            member = self.ledger.edit_member(code, expires=(start + timedelta(days=round(months * 365 / 12))).isoformat(),
                                             **_changed(member, details))
            if member.get("waiver_version") != self.ledger.settings["waiver_version"]:
                member = self.ledger.accept_waiver(code, waiver_language)
        return member

    def update_member(self, code: str, **details: str) -> dict[str, Any]:
        """Corrects name, email, phone or language; nothing is written when nothing changed."""
        member = self.ledger.member(code)
        changes = _changed(member, details)
        return self.ledger.edit_member(code, **changes) if changes else member

    def waiver(self, language: str) -> tuple[str, str | None]:
        """The waiver in ``language`` when the library has it in that language, and the language shown."""
        return self.ledger.waiver(language)

    def member_language(self, member: dict[str, Any] | None) -> str | None:
        """The language a member's screens and reminders speak; None when they did not say."""
        language = (member or {}).get("language")
        return language if language in MEMBER_LANGUAGES else None

    def language_of(self, code: str) -> str | None:
        """The language member ``code`` asked for, if any."""
        return self.member_language(self.ledger.member(code))

    # -- volunteers: inventory -----------------------------------------------------------

    def inventory_missing(self, scanned: set[str]) -> list[dict[str, Any]]:
        """Tools the ledger says are on the shelves that were not scanned."""
        return [t for t in self.ledger.list_tools(status="available") if t["code"] not in scanned
                and (t.get("maker_code") or "") not in scanned]

    # -- coordinators ------------------------------------------------------------------

    def overdue(self, sort: str = "days") -> list[dict[str, Any]]:
        rows = self.ledger.overdue(self.today())
        if sort == "days":
            rows.sort(key=lambda r: (-r["days_overdue"], r["member_name"] or ""))
        elif sort == "name":
            rows.sort(key=lambda r: ((r["member_name"] or "").lower(), -r["days_overdue"]))
        return rows

    def export_overdue(self, target: Path) -> Path:
        """Writes the overdue list as CSV; a folder gets a dated file name."""
        target = Path(target)
        if target.is_dir():
            target = target / f"overdue-{self.today().isoformat()}.csv"
        columns = ["days_overdue", "due", "member_name", "contact", "member_code", "tool_name", "tool_code"]
        with open(target, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(csvcell.row(r) for r in self.overdue("days"))
        return target

    def conflicts(self) -> list[dict[str, Any]]:
        return self.ledger.conflicts()

    def resolve_conflict(self, conflict_id: str, resolution: str, note: str | None = None) -> dict[str, Any]:
        return self.ledger.resolve_conflict(conflict_id, resolution, note)

    def device_name(self, device_id: str | None) -> str | None:
        """What people call the kiosk (this one, or one the server named); None when nobody told."""
        return self.ledger.device_name(device_id) if device_id else None

    def outbox_size(self) -> int:
        return self.ledger.outbox_size()

    # -- settings ----------------------------------------------------------------------

    def local(self, key: str) -> str:
        return self.ledger.meta(f"ui.{key}", LOCAL_DEFAULTS.get(key, "")) or LOCAL_DEFAULTS.get(key, "")

    def set_local(self, values: dict[str, str]) -> None:
        self.ledger.set_meta({f"ui.{k}": str(v) for k, v in values.items()})

    def idle_timeout(self) -> float:
        return self._seconds("idle_timeout", least=5.0)

    def idle_warning(self) -> float:
        return self._seconds("idle_warning", least=1.0)

    def _seconds(self, key: str, least: float) -> float:
        try:
            return max(least, float(self.local(key)))
        except ValueError:
            return float(LOCAL_DEFAULTS[key])

    def volume(self) -> int:
        """The result sounds' volume, 0 to 100."""
        try:
            return min(VOLUME_RANGE[1], max(VOLUME_RANGE[0], int(self.local("volume"))))
        except ValueError:
            return int(LOCAL_DEFAULTS["volume"])

    def check_pin(self, role: str, pin: str) -> bool:
        stored = self.ledger.meta(f"ui.pin.{role}")
        if stored is None:
            return secrets.compare_digest(pin, DEFAULT_PINS[role])
        salt, digest = stored.split("$", 1)
        return secrets.compare_digest(_pin_digest(salt, pin), digest)

    def set_pin(self, role: str, pin: str) -> None:
        if role not in ROLES or not (4 <= len(pin) <= 8 and pin.isdigit()):
            raise ValueError("a PIN is 4 to 8 digits")
        salt = secrets.token_hex(8)
        self.ledger.set_meta({f"ui.pin.{role}": f"{salt}${_pin_digest(salt, pin)}"})

    def removable_drives(self) -> list[Drive]:
        """USB drives plugged in and mounted, where an export can go."""
        return self.find_drives()

def _changed(record: dict[str, Any], values: dict[str, str]) -> dict[str, str]:
    """The values that differ from the record's (empty text and no value are the same)."""
    return {k: v for k, v in values.items() if (v or None) != (record.get(k) or None)}


def _in_background(command: list[str], what: str, env: dict[str, str] | None = None) -> None:
    """Runs a command on a thread of its own, so the screen never waits for a printer or a hook."""
    def run() -> None:
        try:
            subprocess.run(command, check=True, timeout=60, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("%s failed: %s", what, exc)

    threading.Thread(target=run, name=what, daemon=True).start()


def _pin_digest(salt: str, pin: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), 50_000).hex()
