"""Ranking methods and criteria sets in the database: loaded from the files an officer edits (CSV shaped like
the published tables, or an XLSX workbook with the same columns), exported back, turned into the engine's
``Index`` / ``CriteriaSet``.

``do_load_method`` is the one way a method enters the database. It checks the file with the same readers as
``chiso index score`` (every fault by file, row and column), and writes the **next version** of the method's
code: a version is never changed, so a round always shows the method it was scored with.
"""

from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from chiso.accounts.access import can_manage_methods
from chiso.csvfiles import LoadError, read_rows
from chiso.engine.criteria import CriteriaSet, Criterion
from chiso.engine.scoring import Component as EngineComponent
from chiso.engine.scoring import Grade, Index, parse_rule
from chiso.ranking.files import DEFINITION_COLUMNS, read_criteria, read_index
from chiso.ranking.models import Component, GradeBand, Method, MethodKind

__all__ = ["MethodError", "criteria_of", "do_load_method", "export_csv", "export_xlsx", "index_of", "latest"]

# Extra columns an officer may fill, as the published tables name them (English or Vietnamese header).
EXTRA = {
    "evidence": ("evidence", "tài liệu kiểm chứng"),
    "verifier": ("verifier", "đơn vị xác minh"),
    "note": ("ghi chú", "note"),
}
CRITERIA_COLUMNS = ["code", "name", "kind", "rule", "params", "source"]
EXPORT_HEADERS = {  # column → the published table's header, written as a second header row in XLSX
    "code": "STT / mã", "parent": "nhóm", "name": "chỉ số", "max_points": "điểm tối đa", "rule": "cách tính điểm",
    "params": "tham số", "source": "nguồn thu thập dữ liệu", "applies_to": "áp dụng cho",
    "evidence": "tài liệu kiểm chứng", "verifier": "đơn vị xác minh", "ghi chú": "ghi chú", "kind": "loại",
}


class MethodError(Exception):
    """A method was not loaded; ``problems`` says what and where, in Vietnamese."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def latest(code: str) -> Method | None:
    return Method.objects.filter(code=code).order_by("-version").first()


@transaction.atomic
def do_load_method(
    code: str,
    definition: Path,
    *,
    acting_user: AbstractBaseUser | AnonymousUser | None,
    name: str,
    kind: str = MethodKind.INDEX,
    grades: Path | None = None,
    legal_basis: str = "",
    note: str = "",
    is_illustrative: bool = False,
    reason: str = "",
) -> Method:
    """Load ``definition`` (CSV, or XLSX whose first sheet has the same columns; ``grades``: the bands, CSV or
    the workbook's sheet "xep-loai") as the next version of method ``code``. Nothing is written when any row
    is wrong. A file identical to the latest version loads nothing and returns that version."""
    if acting_user is None or not acting_user.is_authenticated or not can_manage_methods(acting_user):
        raise MethodError(["Bạn không có quyền nạp phương pháp xếp hạng: chỉ quản trị cấp thành phố."])
    if kind not in MethodKind.values:
        raise MethodError([f"Loại '{kind}' không có; chọn index hoặc criteria."])
    with tempfile.TemporaryDirectory() as folder:
        definition, grades = _as_csv(definition, grades, Path(folder))
        try:
            if kind == MethodKind.INDEX:
                index = read_index(definition, grades)
                criteria = None
            else:
                criteria, index = read_criteria(definition), None
            rows = [row.values for row in read_rows(definition, [])]
        except LoadError as error:
            raise MethodError(error.problems) from None
    components = _components(rows, kind)
    bands = [GradeBand(name=g.name, min_score=Decimal(str(g.min_score))) for g in (index.grades if index else ())]
    previous = latest(code)
    if previous is not None and _same(previous, components, bands, criteria):
        return previous
    version = (Method.objects.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
    method = Method.objects.create(
        code=code, version=version, kind=kind, name=name, legal_basis=legal_basis, note=note,
        is_illustrative=is_illustrative, optional_needed=criteria.k if criteria is not None else None,
        created_by=cast(User, acting_user), created_at=timezone.now(), reason=reason)
    for component in components:
        component.method = method
    Component.objects.bulk_create(components)
    for band in bands:
        band.method = method
    GradeBand.objects.bulk_create(bands)
    return method


def _as_csv(definition: Path, grades: Path | None, folder: Path) -> tuple[Path, Path | None]:
    """An XLSX workbook becomes CSV files the readers know (the first sheet; the sheet "xep-loai" for grades)."""
    if definition.suffix.lower() != ".xlsx":
        return definition, grades
    from openpyxl import load_workbook

    try:
        book = load_workbook(definition, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook is the same fault for the officer
        raise MethodError([f"{definition.name}: không đọc được tệp XLSX ({error.__class__.__name__}). "
                           "Lưu lại bằng Excel hoặc dùng CSV UTF-8."]) from None
    sheets = book.worksheets
    out = folder / (definition.stem + ".csv")
    _sheet_to_csv(sheets[0], out)
    if grades is None and "xep-loai" in book.sheetnames:
        grades = folder / "xep-loai.csv"
        _sheet_to_csv(book["xep-loai"], grades)
    return out, grades


def _sheet_to_csv(sheet: object, out: Path) -> None:
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]
    rows = [r for i, r in enumerate(rows) if not (i == 1 and r and r[0] == EXPORT_HEADERS["code"])]  # 2nd header
    with out.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _extra(values: dict[str, str], key: str) -> str:
    lowered = {k.strip().casefold(): (v or "").strip() for k, v in values.items() if k}
    return next((lowered[h] for h in EXTRA[key] if lowered.get(h)), "")


def _components(rows: list[dict[str, str]], kind: str) -> list[Component]:
    made = []
    for position, values in enumerate(rows, start=1):
        def get(column: str, values: dict[str, str] = values) -> str:
            return (values.get(column) or "").strip()

        if kind == MethodKind.CRITERIA and get("code") == "k":
            continue
        points = get("max_points").replace(",", ".") if kind == MethodKind.INDEX else ""
        made.append(Component(
            position=position, code=get("code"), parent=get("parent"), name=get("name") or get("code"),
            max_points=Decimal(points or "0"), rule=get("rule"), params=get("params"), source=get("source"),
            applies_to=get("applies_to"), kind=get("kind"), evidence=_extra(values, "evidence"),
            verifier=_extra(values, "verifier"), note=_extra(values, "note")))
    return made


def _same(method: Method, components: list[Component], bands: list[GradeBand], criteria: CriteriaSet | None) -> bool:
    def shape(c: Component) -> tuple[object, ...]:
        return (c.code, c.parent, c.name, Decimal(c.max_points).normalize(), c.rule, c.params, c.source, c.applies_to,
                c.kind, c.evidence, c.verifier, c.note)
    if [shape(c) for c in method.components.all()] != [shape(c) for c in components]:
        return False
    if [(b.name, Decimal(b.min_score).normalize()) for b in method.grades.all()] != \
            [(b.name, b.min_score.normalize()) for b in bands]:
        return False
    return criteria is None or method.optional_needed == criteria.k


def index_of(method: Method) -> Index:
    """The engine's index of a stored method (the rules were checked when it was loaded)."""
    components = tuple(
        EngineComponent(c.code, c.name, float(c.max_points), c.parent or None,
                        parse_rule(c.rule, c.params) if c.rule else None,
                        frozenset(t.strip() for t in c.applies_to.replace(",", ";").split(";") if t.strip()))
        for c in method.components.all())
    return Index(components, tuple(Grade(g.name, float(g.min_score)) for g in method.grades.all()))


def criteria_of(method: Method) -> CriteriaSet:
    criteria = tuple(Criterion(c.code, c.name, c.kind == "mandatory", c.rule,
                               float(c.params.replace(",", ".")) if c.params and c.rule != "boolean" else None)
                     for c in method.components.all())
    return CriteriaSet(criteria, method.optional_needed)


def _table(method: Method) -> tuple[list[str], list[list[object]]]:
    if method.kind == MethodKind.CRITERIA:
        columns = [*CRITERIA_COLUMNS, "evidence", "verifier", "ghi chú"]
        rows: list[list[object]] = [[c.code, c.name, c.kind, c.rule, c.params, c.source, c.evidence, c.verifier, c.note]
                                    for c in method.components.all()]
        rows.append(["k", "Số tiêu chí không bắt buộc phải đạt", "", "", method.optional_needed or 0, "", "", "", ""])
        return columns, rows
    columns = [*DEFINITION_COLUMNS, "evidence", "verifier", "ghi chú"]
    rows = [[c.code, c.parent, c.name, _points(c.max_points), c.rule, c.params, c.source, c.applies_to, c.evidence,
             c.verifier, c.note] for c in method.components.all()]
    return columns, rows


def _points(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


def export_csv(method: Method) -> tuple[str, str | None]:
    """The method as CSV text (``chiso index score`` and ``do_load_method`` read it back), and its grades."""
    from chiso.engine.spreadsheet import safe_cell

    columns, rows = _table(method)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    grades = None
    if method.kind == MethodKind.INDEX:
        g = io.StringIO()
        gw = csv.writer(g, lineterminator="\n")
        gw.writerow(["grade", "min_score"])
        gw.writerows([[safe_cell(b.name), _points(b.min_score)] for b in method.grades.all()])
        grades = g.getvalue()
    return out.getvalue(), grades


def export_xlsx(method: Method) -> bytes:
    """The method as a workbook: the table (machine header, then the published table's header), and the
    grade bands in the sheet "xep-loai"; ``do_load_method`` reads it back."""
    from openpyxl import Workbook

    from chiso.engine.spreadsheet import put_row

    columns, rows = _table(method)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "phuong-phap"
    put_row(sheet, columns)
    put_row(sheet, [EXPORT_HEADERS.get(c, c) for c in columns])
    for row in rows:
        put_row(sheet, row)
    if method.kind == MethodKind.INDEX:
        bands = book.create_sheet("xep-loai")
        put_row(bands, ["grade", "min_score"])
        for band in method.grades.all():
            put_row(bands, [band.name, float(band.min_score)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
