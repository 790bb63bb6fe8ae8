"""DHIS2 ``dataValueSets`` as JSON and CSV, read and written (no database).

JSON: ``{"dataValues": [{"dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo",
"value", "storedBy", "lastUpdated", "comment", "followup"}]}``; a set-level ``period``, ``orgUnit`` or
``attributeOptionCombo`` applies to every value that does not give its own (as in DHIS2).

CSV: DHIS2's columns in DHIS2's order, a header row first (DHIS2 reads the columns by position and skips the
first row): ``dataelement, period, orgunit, categoryoptioncombo, attributeoptioncombo, value, storedby,
lastupdated, comment, followup`` (a trailing ``deleted`` column is read too). As every CSV chiso writes, a cell
that a spreadsheet would run as a formula gets a leading apostrophe (``engine.spreadsheet.safe_cell``), taken off
again when the file is read back.

chiso keeps what DHIS2 has no field for in the ``comment``, as tagged lines after the figure's own comment, so
a file exported by chiso imports back unchanged::

    Theo báo cáo quý            <- the figure's comment
    [chiso qualifier=approximate]   <- its qualifier when not exact (approximate, at_least, at_most)
    [chiso source=Sở TT&TT]         <- its source
    [chiso illustrative]            <- a made-up (minh họa) demo figure
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

from chiso.engine.spreadsheet import is_formula_like, safe_cell

FIELDS = ("dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value", "storedBy",
          "lastUpdated", "comment", "followup")
CSV_COLUMNS = tuple(f.lower() for f in FIELDS)
_DELETED = "deleted"
_TAG = re.compile(r"\[chiso (qualifier|source)=(.*)\]|\[chiso (illustrative)\]")
EXACT = "exact"


class FormatError(ValueError):
    """The body is not a data value set at all (not JSON, no ``dataValues``, not CSV); nothing was read."""

    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(vi)


@dataclass(frozen=True)
class Record:
    """One data value as the file gives it (texts), and where: ``index`` 0-based, ``place`` for people."""

    index: int
    place: str  # "dòng 3" (CSV, the file's line) or "bản ghi dataValues[2]" (JSON)
    fields: dict[str, str]

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass(frozen=True)
class Notes:
    """What the comment field carries: the comment itself and chiso's tags."""

    comment: str = ""
    qualifier: str = EXACT
    source: str = ""
    illustrative: bool = False


def write_comment(notes: Notes) -> str:
    lines = [notes.comment] if notes.comment else []
    if notes.qualifier != EXACT:
        lines.append(f"[chiso qualifier={notes.qualifier}]")
    if notes.source:
        lines.append(f"[chiso source={' '.join(notes.source.split())}]")
    if notes.illustrative:
        lines.append("[chiso illustrative]")
    return "\n".join(lines)


def read_comment(text: str) -> Notes:
    """The comment and tags of a comment field: tag lines are taken from its end."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    qualifier, source, illustrative = EXACT, "", False
    while lines and (match := _TAG.fullmatch(lines[-1].strip())):
        if match[3]:
            illustrative = True
        elif match[1] == "qualifier":
            qualifier = match[2].strip()
        else:
            source = match[2].strip()
        lines.pop()
    return Notes("\n".join(lines).strip(), qualifier, source, illustrative)


# -- reading ----------------------------------------------------------------------------------------

def read(content: bytes, *, kind: str | None = None) -> list[Record]:
    """The data values of a JSON or CSV body (``kind`` "json" or "csv"; None: guessed from the first byte)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError("nội dung không phải UTF-8. Lưu lại tệp với mã hóa UTF-8.",
                          "the content is not UTF-8.") from None
    if kind is None:
        kind = "json" if text.lstrip()[:1] in ("{", "[") else "csv"
    return _read_json(text) if kind == "json" else _read_csv(text)


def _read_json(text: str) -> list[Record]:
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"JSON không hợp lệ (dòng {error.lineno}, cột {error.colno}: {error.msg}).",
                          f"invalid JSON (line {error.lineno}, column {error.colno}: {error.msg}).") from None
    if not isinstance(body, dict) or not isinstance(body.get("dataValues"), list):
        raise FormatError("thiếu danh sách 'dataValues': gửi {\"dataValues\": [{\"dataElement\": …, \"period\": …, "
                          "\"orgUnit\": …, \"value\": …}, …]}.", "the 'dataValues' list is missing.")
    shared = {name: _text(body.get(name)) for name in ("period", "orgUnit", "attributeOptionCombo")}
    records = []
    for index, item in enumerate(body["dataValues"]):
        place = f"bản ghi dataValues[{index}]"
        if not isinstance(item, dict):
            records.append(Record(index, place, {"_not_an_object": "1"}))
            continue
        fields = {name: _text(item.get(name)) for name in FIELDS}
        for name, value in shared.items():
            fields[name] = fields[name] or value
        if item.get("deleted") in (True, "true"):
            fields[_DELETED] = "true"
        records.append(Record(index, place, fields))
    return records


def _read_csv(text: str) -> list[Record]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise FormatError("tệp CSV trống: dòng đầu là tiêu đề (" + ",".join(CSV_COLUMNS) + "), mỗi dòng sau "
                          "một số liệu.", "the CSV file is empty.")
    records: list[Record] = []
    for number, cells in enumerate(rows[1:], start=2):  # DHIS2 skips the first row: the header
        if not any(c.strip() for c in cells):
            continue
        cells = [_unquoted(c.strip()) for c in cells] + [""] * (len(CSV_COLUMNS) + 1)
        fields = dict(zip(FIELDS, cells, strict=False))
        if cells[len(FIELDS)].lower() == "true":
            fields[_DELETED] = "true"
        records.append(Record(len(records), f"dòng {number}", fields))
    return records


def _unquoted(cell: str) -> str:
    """A cell without the apostrophe ``safe_cell`` put before a formula-like text."""
    return cell[1:] if cell.startswith("'") and is_formula_like(cell[1:]) else cell


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


# -- writing ----------------------------------------------------------------------------------------

def write_json(values: list[dict[str, str]]) -> str:
    return json.dumps({"dataValues": values}, ensure_ascii=False, indent=1)


def write_csv(values: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for value in values:
        writer.writerow([safe_cell(value.get(name, "")) for name in FIELDS])
    return out.getvalue()
