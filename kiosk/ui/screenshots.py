"""Renders every screen of the kiosk, in every language, to PNG files for review.

    python -m kiosk.ui.screenshots --out screenshots [--size 800x480 1024x600 480x800 ...] [--check]

Runs the real app on a freshly seeded demo library (one copy per language, so
each starts from the same state) and walks it through its screens with scans
and taps. Text that does not fit its widget is listed, and makes the exit
status 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from kiosk.ui.i18n import LANGUAGES

MISFIT = "does not fit: "


@dataclass
class DemoCodes:
    """Codes of the demo library that show each screen at its most telling."""

    member: str           # has loans out, one of them overdue, may borrow
    member_expired: str
    tool: str             # available, with a kit
    tool_repair: str
    tool_out_kit: str     # on loan, with a kit
    shelf_tools: list[str]


def seed(home: Path) -> DemoCodes:
    from kiosk.demo import seed_demo

    ledger = seed_demo(home)
    try:
        today = ledger.today().isoformat()
        overdue_members = {row["member_code"] for row in ledger.overdue()}
        member = next(code for code in sorted(overdue_members) if not ledger.checkout_refusals(code, []))
        expired = next(m["code"] for m in ledger.list_members() if (m.get("expires") or "9") < today)
        available = ledger.list_tools(status="available")
        tool = next((t["code"] for t in available if t["kit"]), available[0]["code"])
        out = ledger.list_tools(status="on_loan")
        return DemoCodes(member, expired, tool, ledger.list_tools(status="in_repair")[0]["code"],
                         next((t["code"] for t in out if t["kit"]), out[0]["code"]),
                         [t["code"] for t in available[1:4]])
    finally:
        ledger.close()


def demo_camera() -> Any:
    """A camera feed showing a tool label on a counter, as the kiosk's camera would."""
    import numpy as np

    from kiosk.labels import LabelText, draw_label
    from kiosk.scan.sources.synthetic import camera_view
    from kiosk.ui.scanning import StillCamera

    label = np.array(draw_label(LabelText("DEMO-TDEMO0-001-8", "Cordless drill", "Maple Street"), (620, 290), 300)
                     .convert("L"))
    return StillCamera([camera_view(label, np.random.default_rng(7))], fps=1)


Scene = Callable[[Any, DemoCodes], None]


def scenes() -> Iterator[tuple[str, Scene]]:
    """Each screen state: a name and how to get there from home."""
    def staff(d: Any, role: str = "coordinator") -> None:
        d.app.role = role

    yield "home", lambda d, c: None

    def home_closed(d: Any, c: DemoCodes) -> None:
        ledger = d.app.service.ledger
        ledger.configure(closed_dates=[ledger.today().isoformat()])
        d.app.go_home()
    yield "home-closed", home_closed
    yield "tool-available", lambda d, c: d.scan(c.tool)
    yield "tool-in-repair", lambda d, c: d.scan(c.tool_repair)
    yield "checkin", lambda d, c: d.scan(c.tool_out_kit)

    def checkin_parts(d: Any, c: DemoCodes) -> None:
        d.scan(c.tool_out_kit)
        rows = d.screen.ids.parts.children
        for row, answer in zip(reversed(rows), ("here", "missing", "here")):
            row.answer = answer
    yield "checkin-parts", checkin_parts

    def checkin_condition(d: Any, c: DemoCodes) -> None:
        d.scan(c.tool_out_kit)
        for row in d.screen.ids.parts.children:
            row.answer = "here"
        d.screen.parts_done()
    yield "checkin-condition", checkin_condition

    def checkin_repair(d: Any, c: DemoCodes) -> None:
        checkin_condition(d, c)
        d.screen.answer("repair")
        d.screen.problem = "It does not work"
    yield "checkin-repair", checkin_repair

    def member(d: Any, c: DemoCodes) -> None:
        d.scan(c.member)
        for code in (c.shelf_tools[0], c.shelf_tools[1], c.tool, c.tool_repair):
            d.scan(code)
    yield "member-basket", member

    def leaving(d: Any, c: DemoCodes) -> None:
        d.scan(c.member)
        d.scan(c.shelf_tools[0])
        d.scan(c.tool)
        d.app.go_home()
    yield "member-leaving", leaving

    def still_there(d: Any, c: DemoCodes) -> None:
        d.scan(c.member)
        d.scan(c.tool)
        d.app.last_activity = d.app.clock() - d.app.service.idle_timeout() - 3
        d.app.idle_tick()
    yield "member-still-there", still_there
    yield "member-refused", lambda d, c: d.scan(c.member_expired)

    def helping(d: Any, c: DemoCodes) -> None:
        d.scan(c.member)
        d.app.help()
    yield "help", helping

    def receipt(d: Any, c: DemoCodes) -> None:
        d.scan(c.member)
        d.scan(c.shelf_tools[0])
        d.scan(c.shelf_tools[1])
        d.scan(c.tool)
        d.screen.confirm()
    yield "receipt", receipt

    yield "pin", lambda d, c: d.app.go("pin")
    yield "volunteer", lambda d, c: (staff(d, "volunteer"), d.app.go("volunteer"))
    yield "tool-add", lambda d, c: (staff(d), d.app.go("tool_form"))
    yield "tool-edit", lambda d, c: (staff(d), d.app.go("tool_form", code=c.tool))

    def picker(d: Any, c: DemoCodes) -> None:
        staff(d)
        d.app.go("tool_form", code=c.tool)
        d.screen.pick_category()
    yield "tool-category", picker
    yield "member-register", lambda d, c: (staff(d), d.app.go("member_form"))

    def typing(d: Any, c: DemoCodes) -> None:
        from kiosk.ui.keyboard import use

        use("on")
        staff(d, "volunteer")
        d.app.go("member_form")
        d.screen.ids.email.ids.input.focus = True  # as a tap does; tests tap through the form's list
        d.pump(3)
        d.press_keys("ana.ruiz")
    yield "member-register-keyboard", typing
    yield "member-renew", lambda d, c: (staff(d), d.app.go("member_form", code=c.member_expired))

    def registered(d: Any, c: DemoCodes) -> None:
        staff(d, "volunteer")
        screen = d.app.go("member_form")
        screen.ids.name.text = "Omar Diallo"
        screen.accepted = True
        screen.save()
    yield "member-registered", registered

    def tool_saved(d: Any, c: DemoCodes) -> None:
        staff(d, "volunteer")
        screen = d.app.go("tool_form")
        screen.ids.name.text = "Tile saw"
        screen.save(with_label=True)
    yield "tool-saved", tool_saved

    def inventory(d: Any, c: DemoCodes) -> None:
        staff(d)
        d.app.go("inventory")
        for code in c.shelf_tools:
            d.scan(code)
    yield "inventory-scanning", inventory

    def inventory_missing(d: Any, c: DemoCodes) -> None:
        inventory(d, c)
        d.screen.show_missing()
    yield "inventory-missing", inventory_missing

    def inventory_finished(d: Any, c: DemoCodes) -> None:
        inventory(d, c)
        d.screen.finish()
    yield "inventory-finished", inventory_finished
    yield "coordinator", lambda d, c: (staff(d), d.app.go("coordinator"))
    yield "overdue", lambda d, c: (staff(d), d.app.go("overdue"))

    def overdue_export(d: Any, c: DemoCodes) -> None:
        from kiosk.ui.drives import Drive

        staff(d)
        d.app.service.find_drives = lambda: [Drive(Path("/media/pi/KINGSTON"), "KINGSTON", "/dev/sda1")]
        d.app.go("overdue").toggle_export()
    yield "overdue-export", overdue_export
    yield "conflicts", lambda d, c: (staff(d), d.app.go("conflicts"))
    yield "settings", lambda d, c: (staff(d), d.app.go("settings"))

    def settings_refused(d: Any, c: DemoCodes) -> None:
        staff(d)
        screen = d.app.go("settings")
        screen.ids.closed_dates.text = "2026-12-25, Christmas"
        screen.save()  # the error shows under its field, scrolled into view
    yield "settings-refused", settings_refused

    def holder(d: Any) -> str:
        ledger = d.app.service.ledger
        return next(m["code"] for m in ledger.list_members()
                    if m["code"] != ledger.tool(c_out(d))["loan"]["member_code"] and not ledger.checkout_refusals(m["code"], []))

    def c_out(d: Any) -> str:
        return d.app.service.ledger.list_tools(status="on_loan")[0]["code"]

    def waitlist(d: Any, c: DemoCodes) -> None:
        d.scan(holder(d))
        d.scan(c_out(d))
    yield "waitlist", waitlist

    def find_tool(d: Any, c: DemoCodes) -> None:
        d.scan(c.member)
        screen = d.app.go("find_tool", code=c.member)
        screen.ids.query.text = d.app.service.ledger.tool(c_out(d))["name"]
    yield "find-tool", find_tool

    def member_holds(d: Any, c: DemoCodes) -> None:
        ledger = d.app.service.ledger
        ledger.place_hold(c.member, c_out(d))
        ledger.place_hold(c.member, c.shelf_tools[2])
        d.scan(c.member)
    yield "member-holds", member_holds

    def hold_slip(d: Any, c: DemoCodes) -> None:
        d.app.service.ledger.place_hold(holder(d), c.tool_out_kit)
        d.scan(c.tool_out_kit)
        d.screen.answer("ok")
    yield "checkin-hold-shelf", hold_slip

    def hold_shelf(d: Any, c: DemoCodes) -> None:
        from datetime import timedelta

        ledger = d.app.service.ledger
        ledger.place_hold(holder(d), c.shelf_tools[0])
        ledger.place_hold(c.member, c.shelf_tools[1], today=ledger.today() - timedelta(days=30))
        staff(d, "volunteer")
        d.app.go("hold_shelf")
    yield "hold-shelf", hold_shelf

    def repairs(d: Any, c: DemoCodes) -> None:
        ledger = d.app.service.ledger
        for code, problem in zip(c.shelf_tools, ("Chuck slips and the battery will not hold a charge",
                                                      "Handle cracked", "Blade blunt")):
            ledger.open_repair(code, problem)
        staff(d, "volunteer")
        d.app.go("repairs")
    yield "repairs", repairs

    def repair(d: Any, c: DemoCodes) -> None:
        repairs(d, c)
        ticket = d.app.service.ledger.repairs(open_only=True)[0]
        d.app.service.ledger.update_repair(ticket["id"], assignee="Sam", note="New chuck ordered")
        d.app.go("repair", repair_id=ticket["id"])
    yield "repair", repair
    yield "repair-new", lambda d, c: (staff(d, "volunteer"), d.app.go("repair", tool_code=c.tool))

    # the larger-text look makes the screens anew: these come last, once every screen has been shown
    def large(then: Scene) -> Scene:
        def scene(d: Any, c: DemoCodes) -> None:
            d.app.use_large_text(True)
            then(d, c)
        return scene
    yield "home-large", large(lambda d, c: None)
    yield "member-basket-large", large(member)
    yield "member-refused-large", large(lambda d, c: d.scan(c.member_expired))
    yield "checkin-large", large(lambda d, c: d.scan(c.tool_out_kit))
    yield "checkin-repair-large", large(checkin_repair)
    yield "tool-available-large", large(lambda d, c: d.scan(c.tool))
    yield "receipt-large", large(receipt)


def render(out: Path | None, size: tuple[int, int] = (800, 480), languages: tuple[str, ...] = tuple(LANGUAGES),
           only: set[str] | None = None, driver: Any = None) -> list[str]:
    """Writes out/<lang>/<scene>.png for every scene (none when ``out`` is None); returns
    the misfits found, one line each. A running ``driver`` is reused (tests)."""
    from kiosk.ui.driver import Driver
    from kiosk.ui.fit import misfits
    from kiosk.ui.placement import misplaced

    work = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    try:
        codes = seed(work / "seed")
        homes = {}
        for lang in languages:
            homes[lang] = work / lang
            shutil.copytree(work / "seed", homes[lang])
        if driver is None:
            driver = Driver.start(homes[languages[0]], size=size, camera=demo_camera())
        else:
            driver.app.scans.use_camera(demo_camera())
        from kivy.core.window import Window

        from kiosk.ui.keyboard import use as use_keyboard

        problems = []
        keys_on = bool(Window.allow_vkeyboard)  # scenes may turn the on-screen keyboard on
        for lang in languages:
            for name, scene in scenes():
                if only and name not in only:
                    continue
                fresh = work / f"{lang}-{name}"
                shutil.copytree(homes[lang], fresh)
                driver.use_home(fresh)
                driver.app.service.set_local({"language": lang})
                driver.app.switch_language(lang)
                driver.app.toast.hide()
                scene(driver, codes)
                if out is not None:
                    driver.settle(0.9)  # past the scan's flash
                    driver.screenshot(out / lang / f"{name}.png")
                else:
                    driver.pump(3)
                roots, lifted = driver.roots(), driver.app.keyboard_dock.content.y
                problems += [f"{lang}/{name}: {m}" for m in misfits(roots, lifted) + misplaced(roots, lifted)]
                driver.app.close_dialogs()
                driver.app.stop_typing()
                use_keyboard("on" if keys_on else "off")
        driver.app.go_home(force=True)
        return problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def render_elsewhere(size: tuple[int, int], out: Path | None = None, only: set[str] | None = None) -> "subprocess.Popen":
    """Starts rendering at another window size in a process of its own (Kivy opens one window
    per process), on a virtual screen of that size when xvfb-run is there; see :func:`misfits_of`."""
    command = [sys.executable, "-m", "kiosk.ui.screenshots", "--here", "--size", "{}x{}".format(*size)]
    command += ["--out", str(out)] if out is not None else ["--check"]
    command += ["--only", *sorted(only)] if only else []
    if shutil.which("xvfb-run"):
        command = ["xvfb-run", "-a", "-s", "-screen 0 {}x{}x24".format(*size), *command]
    env = {**os.environ, "KIVY_NO_ARGS": "1"}  # configure() sets what matters over any cached config.ini
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def misfits_of(process: "subprocess.Popen") -> list[str]:
    """The misfits a :func:`render_elsewhere` process found; raises when it failed otherwise."""
    stdout, stderr = process.communicate()
    found = [line[len(MISFIT):] for line in stdout.splitlines() if line.startswith(MISFIT)]
    if process.returncode not in (0, 1) or (process.returncode == 1 and not found):
        raise RuntimeError(f"rendering {' '.join(process.args)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--check", action="store_true", help="write no images, only list text that does not fit")
    parser.add_argument("--size", nargs="+", default=["800x480"],
                        help="window sizes, WIDTHxHEIGHT (portrait: 480x800); several go to OUT/WIDTHxHEIGHT/")
    parser.add_argument("--only", nargs="*", help="scene names to render (default: all)")
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)  # render in this process's window
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in size.lower().split("x")) for size in args.size]
    only = set(args.only) if args.only else None
    out = None if args.check else args.out
    if args.here:
        problems = render(out, sizes[0], only=only)
    elif len(sizes) == 1:
        problems = misfits_of(render_elsewhere(sizes[0], out, only))
    else:
        runs = [(size, render_elsewhere(size, out and out / "{}x{}".format(*size), only)) for size in sizes]
        problems = ["{}x{} {}".format(*size, line) for size, run in runs for line in misfits_of(run)]
    for line in problems:
        print(f"{MISFIT}{line}")
    print(f"{len(problems)} texts do not fit" + (f"; screenshots in {out}/ ({', '.join(LANGUAGES)})" if out else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
