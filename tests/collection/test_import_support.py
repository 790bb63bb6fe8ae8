"""Helpers of the import tests: files built byte by byte, stored figures read back, reports opened."""

from __future__ import annotations

import io
import unicodedata
from decimal import Decimal

import pytest
from django.db.models import Count, Max

from chiso.collection import importer
from chiso.collection.models import Status, Submission
from chiso.values.models import DataValue, DataValueHistory

TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """``text`` as Windows-1258 writes it: precomposed where the code page has the letter, else the base
    letter followed by a combining tone mark (what Vietnamese Windows produces)."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += base.encode("cp1258") + "".join(c for c in parts if c in TONES).encode("cp1258")
    return out


def csv_text(*rows: str) -> str:
    return "\n".join(rows) + "\n"


def xlsx(*sheets: tuple[str, list[list[object]]], percent_cells: tuple[str, ...] = ()) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        for ref in percent_cells:
            ws[ref].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def look(name: str, content: bytes, user=None, **kw) -> importer.Preview:
    return importer.preview(name, content, acting_user=user, **kw)


def texts(found: importer.Preview) -> list[str]:
    return [p.text("vi") for p in found.problems]


def figures(found: importer.Preview) -> list[tuple[str, str, str, Decimal | None, str]]:
    """(unit code, element code, period, value, qualifier) of each figure read."""
    return [(i.unit.code, i.element.code, str(i.period), i.value, i.qualifier) for i in found.items]


_DEMO: dict[str, tuple[int, int]] = {}  # table -> (rows, highest id) of the demo as built, before any test


def remember_the_demo() -> None:
    """Called once, right after the demo is built (tests/conftest.py), before any test writes."""
    for model in (DataValue, DataValueHistory):
        found = model.objects.aggregate(rows=Count("id"), top=Max("id"))
        _DEMO[model._meta.db_table] = (found["rows"], found["top"] or 0)


def counts() -> tuple[int, int]:
    """(figures, history rows) now. Figures and history are never deleted (a figure is marked deleted), so
    the demo's rows are still there and only rows above its highest id are new: counting those is exact and
    spares a scan of the demo's 221.000 rows (60 ms a call on PostgreSQL, 120 calls in a property test)."""
    return tuple(_count(model) for model in (DataValue, DataValueHistory))  # type: ignore[return-value]


def _count(model) -> int:  # type: ignore[no-untyped-def]
    rows, top = _DEMO[model._meta.db_table]
    return rows + model.objects.filter(id__gt=top).count()


def stored(unit_version: str, unit_code: str, element: str, period: str) -> DataValue | None:
    return DataValue.objects.filter(unit__version__name=unit_version, unit__code=unit_code,
                                    data_element__code=element, period=period).first()


@pytest.fixture
def open_march_2024(db):
    """Every report of 2024-03 returned to its ward, so its figures can change."""
    Submission.objects.filter(period="2024-03").update(status=Status.RETURNED)
