"""Docs that cannot drift: settings, commands and reference data."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from chiso.conf import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SHARED = ROOT.parent / "shared" / "data"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_the_readme(setting):
    assert f"| `{setting.name}` |" in README


COMMANDS = ["demo", "totals", "units", "indicators", "bench", "validate", "report", "import", "plans", "index", "criteria",
            "dhis2", "integration", "tokens", "opendata", "extract", "registers", "teams", "serve"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_project_command_is_documented_in_the_readme(command):
    commands = {p.stem for p in ROOT.glob("chiso/*/management/commands/*.py") if p.stem != "__init__"}
    assert command in commands
    assert f"`chiso {command}" in README


def test_the_project_commands_are_exactly_the_documented_ones():
    commands = {p.stem for p in ROOT.glob("chiso/*/management/commands/*.py") if p.stem != "__init__"}
    assert commands == set(COMMANDS)


def test_the_quick_start_is_the_two_commands():
    start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in start.splitlines() if line.startswith("make ")]
    assert commands == ["make demo", "make test"]


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not beside this checkout")
@pytest.mark.parametrize("name", ["danang_units.csv", "danang_successions.csv", "indicators.csv",
                                  "facts_danang.csv", "UNITS.md"])
def test_reference_data_copies_match_the_shared_originals(name):
    assert filecmp.cmp(ROOT / "chiso" / "reference_data" / name, SHARED / name, shallow=False)
