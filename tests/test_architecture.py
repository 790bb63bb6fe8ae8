"""The layout tells the architecture: layers import only downward, and docs/architecture.md names every folder.

A new import from a lower layer to a higher one fails here; the one known exception is listed with its
reason, so removing it is a visible decision rather than a drift.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "chiso"

# Lowest first. A module may import its own layer or any below it, never above.
LAYERS: list[set[str]] = [
    {"engine", "csvfiles", "conf", "web", "reference_data", "locale"},  # pure code and infrastructure
    {"units"},
    {"indicators"},
    {"accounts"},
    {"values"},
    {"collection"},
    {"plans"},
    {"registers"},  # writes figures (values) from its entries; above collection, whose closed reports bind it
    {"totals"},  # roll-ups kept fresh by the write path (values.hooks); reads reports' publication (collection)
    {"analytics"},
    {"teams"},  # community teams: a register and logs that write figures (above values, collection)
    {"ranking"},
    {"portal"},
    {"reports"},
    {"opendata", "exchange", "integration", "extraction"},
    {"api"},
    {"demo", "bench"},
    {"cli", "urls", "settings", "wsgi", "__init__"},  # the entry points
]
LEVEL = {name: level for level, names in enumerate(LAYERS) for name in names}

# (importing module, imported module): why it is allowed.
EXCEPTIONS = {
    ("chiso.values.actions", "chiso.collection.queries"):
        "the write action owns the closed-report rule; reports (Submission) are collection's, read lazily",
    ("chiso.values.queries", "chiso.collection.queries"):
        "published figures are those of approved reports (collection.queries.published)",
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1] or parts
        found[".".join(parts)] = path
    return found


def _area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chiso"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if alias.name.startswith("chiso")}
    return names


def test_every_area_has_a_layer():
    areas = {_area(module) for module in _modules()}
    assert areas - set(LEVEL) == set(), "add the new area to LAYERS (and to docs/architecture.md)"


def test_no_module_imports_a_higher_layer():
    upward = []
    for module, path in sorted(_modules().items()):
        for imported in sorted(_imports(path)):
            if imported == "chiso":
                continue
            if LEVEL[_area(imported)] > LEVEL[_area(module)] and (module, imported) not in EXCEPTIONS:
                upward.append(f"{module} → {imported}")
    assert upward == []


def test_the_exceptions_are_still_needed():
    modules = _modules()
    stale = [pair for pair in EXCEPTIONS if pair[1] not in _imports(modules[pair[0]])]
    assert stale == []


def test_the_architecture_page_names_every_folder():
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    folders = sorted(p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*") if p.is_dir() and not any(
        part in {"__pycache__", "migrations", "templates", "static", "locale", "management", "commands",
                 "templatetags", "LC_MESSAGES"} or part.startswith(".") for part in p.relative_to(PACKAGE).parts))
    top = [f for f in folders if f.count("/") == 1]
    missing = [f for f in top if f.split("/")[1] + "/" not in page]
    nested = [f for f in folders if f.count("/") > 1 and f.split("/", 1)[1] + "/" not in page
              and f.rsplit("/", 1)[1] + "/" not in page]
    assert (missing, nested) == ([], [])
    assert "tests/" in page and "docs/" in page
