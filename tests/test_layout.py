"""The arrows of the design point one way: which package may import which.

Each import check runs in a fresh interpreter, so what the test run itself has
imported cannot hide or fake a dependency.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NETWORK = ("socket", "_socket", "ssl", "http.client", "urllib.request", "requests", "urllib3", "httpx", "fastapi",
           "uvicorn", "psycopg")


def _modules_loaded_by(package: str) -> set[str]:
    """Every module in sys.modules after importing ``package`` and all its submodules."""
    script = (
        "import importlib, pkgutil, sys\n"
        f"root = importlib.import_module({package!r})\n"
        "for found in pkgutil.walk_packages(getattr(root, '__path__', []), root.__name__ + '.'):\n"
        "    importlib.import_module(found.name)\n"
        "print('\\n'.join(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def _within(modules: set[str], *roots: str) -> set[str]:
    return {m for m in modules if any(m == r or m.startswith(r + ".") for r in roots)}


def test_scanning_recognises_our_codes_without_the_ledger():
    modules = _modules_loaded_by("kiosk.scan")
    assert "kiosk.scan.symbologies" in modules and "kiosk.codeformat" in modules
    assert _within(modules, "kiosk.ledger") == set()


def test_the_ledger_imports_no_kivy_and_no_network():
    modules = _modules_loaded_by("kiosk.ledger")
    assert "kiosk.ledger.lending" in modules
    assert _within(modules, "kivy", *NETWORK) == set()


def test_the_code_format_stands_alone():
    modules = _modules_loaded_by("kiosk.codeformat")
    assert _within(modules, "kiosk") == {"kiosk", "kiosk.codeformat"}


def _import_graph() -> dict[str, set[str]]:
    """Module -> the modules of kiosk and sync it imports anywhere in its text, functions included."""
    files = {}
    for package in ("kiosk", "sync"):
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in files.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets.add(node.module)
                targets.update(f"{node.module}.{alias.name}" for alias in node.names)
        # a module may use its own package's public names; that is not a circle
        graph[name] = {t for t in targets if t in files and t != name and not name.startswith(t + ".")}
    return graph


def test_no_modules_import_each_other():
    graph = _import_graph()
    assert graph["sync.server.sqlstore"] >= {"sync.server.storage"}  # the graph does see real imports

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            module = todo.pop()
            if module == goal:
                return True
            if module not in seen:
                seen.add(module)
                todo.extend(graph[module])
        return False

    circles = sorted((a, b) for a in graph for b in graph[a] if a < b and reaches(b, a))
    assert circles == []


def test_csv_cells_stand_alone():
    """The formula escaping the kiosk and the server's downloads share imports nothing of either."""
    modules = _modules_loaded_by("kiosk.csvcell")
    assert _within(modules, "kiosk", "sync") == {"kiosk", "kiosk.csvcell"}
