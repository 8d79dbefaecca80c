"""Fixtures for the web pages: a real server on loopback, three libraries, kiosks that sync, accounts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from kiosk.ledger import Ledger
from sync.client import SyncClient
from sync.server import open_storage
from sync.server.web import accounts
from tests.sync.helpers import new_kiosk
from tests.web.helpers import PASSWORD, Clock, WebClient, WebServer

TODAY = date.today()

MAPLE_COORDINATOR = "ana@maple.example.org"
MAPLE_VOLUNTEER = "vic@maple.example.org"
ELM_COORDINATOR = "eli@elm.example.org"


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture(autouse=True, scope="session")
def quick_argon2():
    """Still argon2id, with a small cost: the suite logs in hundreds of times on two shared cores."""
    quick = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    saved = accounts._hasher, accounts._DUMMY_HASH
    accounts._hasher, accounts._DUMMY_HASH = quick, quick.hash("nobody's password")
    yield
    accounts._hasher, accounts._DUMMY_HASH = saved


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def storage(tmp_path: Path):
    store = open_storage(tmp_path / "server")
    for slug, name in (("maple", "Maple Street Tool Library"), ("oak", "Oak Lane Tools"), ("elm", "Elm Court Library")):
        store.add_library(slug, name)
    store.add_partners("maple", "oak")
    yield store
    store.close()


@pytest.fixture
def web_options() -> dict:
    """Extra WebConfig settings; a test module overrides this fixture to set, say, a mail server."""
    return {}


@pytest.fixture
def web(storage, tmp_path: Path, clock: Clock, web_options: dict):
    with WebServer(storage, tmp_path / "web", clock, **web_options) as server:
        for library, email, role in (("maple", MAPLE_COORDINATOR, "coordinator"), ("maple", MAPLE_VOLUNTEER, "volunteer"),
                                     ("elm", ELM_COORDINATOR, "coordinator")):
            accounts.add(server.state.db, library, email, PASSWORD, role)
        yield server


@pytest.fixture
def kiosk(tmp_path: Path, web):
    """Makes kiosks enrolled with the server: kiosk("maple") -> Ledger."""
    made: list[Ledger] = []

    def make(library: str) -> Ledger:
        ledger = new_kiosk(tmp_path / f"kiosk{len(made) + 1}", web.storage, web.url, library)
        made.append(ledger)
        return ledger

    yield make
    for ledger in made:
        ledger.close()


def sync(ledger: Ledger) -> None:
    SyncClient(ledger).sync()


@pytest.fixture
def maple(kiosk) -> Ledger:
    """Maple's front-desk kiosk, synced: two tools overdue, one due tomorrow, one returned, one long forgotten."""
    ledger = kiosk("maple")
    ledger.configure(retention_days=90)
    for code, name, extra in (("MT1", "Cordless drill", {"category": "Power tools > Drills"}),
                              ("MT2", "Spade", {"category": "Garden"}),
                              ("MT3", "Step ladder", {"category": "Ladders", "loan_days": 3}),
                              ("MT4", "Hedge trimmer", {"category": "Garden"}),
                              ("MT5", "Tile cutter", {"category": "Tiling"}),
                              ("MT6", "Pressure washer", {"category": "Cleaning"}),
                              ("MT7", "Angle grinder", {"category": "Power tools"})):
        ledger.add_tool(code, name, **extra)
    for code, name, email, phone in (("M1", "Ana Lopez", "ana.lopez@example.org", "555-0101"),
                                     ("M2", "Ben Okafor", "ben@example.org", None),
                                     ("M3", "=HYPERLINK(\"x\") Carla", "carla@example.org", "+44 20 7946 0000")):
        ledger.add_member(code, name, email=email, phone=phone, expires=days(400).isoformat())
        ledger.accept_waiver(code)
    ledger.checkout("M3", ["MT5"], today=days(-300))
    ledger.checkin("MT5", today=days(-200))          # returned long ago: its borrower is forgotten
    ledger.checkout("M1", ["MT1"], today=days(-20))  # due 13 days ago
    ledger.checkout("M2", ["MT2"], today=days(-10))  # due 3 days ago
    ledger.checkout("M1", ["MT3"], today=days(-2))   # due tomorrow
    ledger.checkout("M3", ["MT4"], today=days(-1))   # due in 6 days
    ledger.checkout("M2", ["MT6"], today=days(-9))
    ledger.checkin("MT6", today=days(-5))            # returned within the retention period
    sync(ledger)
    return ledger


@pytest.fixture
def double_checkout(kiosk, maple) -> tuple[Ledger, Ledger]:
    """A second Maple kiosk that lent the angle grinder while it could not see the first kiosk lend it too."""
    back = kiosk("maple")
    sync(back)
    maple.checkout("M1", ["MT7"], today=TODAY)
    back.checkout("M2", ["MT7"], today=TODAY)
    sync(maple)
    sync(back)
    sync(maple)
    return maple, back


@pytest.fixture
def elm(kiosk) -> Ledger:
    ledger = kiosk("elm")
    ledger.add_tool("ET1", "Elm chainsaw")
    ledger.add_member("E1", "Elmer Private", email="elmer@example.org", phone="555-0999", expires=days(400).isoformat())
    ledger.accept_waiver("E1")
    ledger.checkout("E1", ["ET1"], today=days(-30))
    sync(ledger)
    return ledger


@pytest.fixture
def oak(kiosk) -> Ledger:
    ledger = kiosk("oak")
    ledger.add_tool("OT1", "Oak log splitter", category="Garden")
    ledger.add_tool("OT2", "Oak floor sander", category="Power tools")
    ledger.add_member("O1", "Olga Hidden", email="olga@example.org", expires=days(400).isoformat())
    ledger.accept_waiver("O1")
    ledger.checkout("O1", ["OT1"], today=days(-1))
    sync(ledger)
    return ledger


@pytest.fixture
def client(web):
    made: list[WebClient] = []

    def make(email: str | None = None) -> WebClient:
        c = WebClient(web)
        if email:
            assert c.login(email).status_code == 303
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()
