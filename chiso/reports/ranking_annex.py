"""The ranking annex (phụ lục kết quả xếp hạng), like the one the city attaches to its annual decision: the
round's title, method and version, the decision's number and date, "minh họa" when illustrative, then one table
per peer group (STT, đơn vị, tổng điểm, xếp loại, hạng, khoảng hạng, and the points of each of the method's
top-level groups). As a PDF (WeasyPrint, DejaVu fonts, Vietnamese numbers: 89,02) or an XLSX with the same
table and a sheet of every component's points per unit (text-safe cells, ``engine.spreadsheet.put_row``).

The figures are ``ranking.queries.ranking``'s: the council's frozen result once approved, else computed now
(labelled "tạm tính"). Rounds decided together (same method, year, scope and decision, all published) are one
annex, a table each, as the city publishes phường and xã side by side. Who may download it is the view's to
check (``ranking.queries.sees_whole_round``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation

from chiso.engine.numbers import format_number
from chiso.engine.spreadsheet import put_row
from chiso.ranking.models import Component, Method, PeerGroup, Round
from chiso.ranking.queries import Standing, ranking
from chiso.reports.render import FONT_DIR, _fonts

HEADER = ["STT", "Đơn vị", "Tổng điểm", "Xếp loại", "Hạng", "Khoảng hạng"]
ILLUSTRATIVE = "phương pháp hoặc điểm số không phải số liệu công bố chính thức, dùng để thử và trình diễn."


@dataclass
class Table:
    round: Round
    frozen: bool
    standings: list[Standing]

    @property
    def label(self) -> str:
        return str(self.round.get_peer_group_display())


@dataclass
class Annex:
    round: Round
    method: Method
    groups: list[Component]  # the method's top-level components: a column each
    components: list[Component]  # every component, in the method's order (the XLSX's second sheet)
    tables: list[Table] = field(default_factory=list)

    @property
    def illustrative(self) -> bool:
        return self.round.is_illustrative or self.method.is_illustrative

    @property
    def frozen(self) -> bool:
        return all(t.frozen for t in self.tables)

    @property
    def title(self) -> str:
        return self.round.title

    @property
    def method_line(self) -> str:
        return f"Phương pháp: {self.method.name}, phiên bản {self.method.version} (mã {self.method.code})"

    @property
    def decision_line(self) -> str:
        if not self.round.decision:
            return "Chưa có quyết định phê duyệt của hội đồng: kết quả tạm tính."
        when = self.round.decision_date.strftime("%d/%m/%Y") if self.round.decision_date else "…"
        return f"Kèm theo Quyết định số {self.round.decision} ngày {when}"

    @property
    def filename(self) -> str:
        return f"phu-luc-xep-hang-{self.round.year}-{self.round.pk}"


def decided_together(round_: Round) -> list[Round]:
    """The round and, once it is published, the other published rounds of the same decision (same method, year
    and scope; another peer group), in the order of the peer groups."""
    rounds = [round_]
    if round_.is_published and round_.decision:
        rounds += list(Round.objects.filter(method=round_.method, year=round_.year, within=round_.within,
                                            status=round_.status, decision=round_.decision).exclude(pk=round_.pk))
    order = list(PeerGroup.values)
    return sorted(rounds, key=lambda r: order.index(r.peer_group) if r.peer_group in order else len(order))


def build_annex(round_: Round) -> Annex:
    components = list(round_.method.components.all())
    annex = Annex(round_, round_.method, [c for c in components if not c.parent], components)
    for one in decided_together(round_):
        table = ranking(one)
        annex.tables.append(Table(one, table.frozen, table.standings))
    return annex


def points(value: float) -> str:
    """Points as the annex prints them: two decimals, Vietnamese (89,02; 1.000,00)."""
    return format_number(round(value, 2), 2)


def band(standing: Standing) -> str:
    low, high = standing.rank_band
    return str(low) if low == high else f"{low}–{high}"


def _rows(annex: Annex, table: Table) -> list[list[str]]:
    return [[str(n), s.unit.name, points(s.total), s.grade or "–", str(s.rank), band(s)]
            + [points(s.points.get(g.code, 0.0)) for g in annex.groups]
            for n, s in enumerate(table.standings, start=1)]


def render_html(annex: Annex) -> str:
    with translation.override("vi"):
        return render_to_string("reports/ranking_annex.html", {
            "a": annex, "fonts": _fonts(), "header": HEADER, "illustrative_note": ILLUSTRATIVE,
            "tables": [(t, _rows(annex, t)) for t in annex.tables],
            "groups": [(g, format_number(float(g.max_points))) for g in annex.groups],
        })


def render_pdf(annex: Annex) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(annex), base_url=str(FONT_DIR)).write_pdf()  # type: ignore[no-any-return]


def render_xlsx(annex: Annex) -> bytes:
    """Sheet "Xếp hạng": the title lines, then per peer group its table (numbers as numbers); sheet "Điểm thành
    phần": every component's points per unit."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Xếp hạng"
    put_row(sheet, [annex.title + (" (minh họa)" if annex.illustrative else "")])
    sheet["A1"].font = Font(bold=True, size=13)
    put_row(sheet, [annex.method_line])
    put_row(sheet, [annex.decision_line])
    if annex.illustrative:
        put_row(sheet, [f"Minh họa: {ILLUSTRATIVE}"])
    groups = [f"{g.code} {g.name} (tối đa {format_number(float(g.max_points))})" for g in annex.groups]
    for table in annex.tables:
        put_row(sheet, [])
        put_row(sheet, [f"Nhóm xếp hạng: {table.label}"])
        sheet.cell(sheet.max_row, 1).font = bold
        put_row(sheet, HEADER + groups)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for n, s in enumerate(table.standings, start=1):
            put_row(sheet, [n, s.unit.name, round(s.total, 3), s.grade, s.rank, band(s)]
                    + [round(s.points.get(g.code, 0.0), 3) for g in annex.groups])
    for letter, width in zip("ABCDEF", (6, 30, 11, 16, 7, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    detail = book.create_sheet("Điểm thành phần")
    put_row(detail, ["Nhóm xếp hạng", "Mã đơn vị", "Đơn vị"] + [c.code for c in annex.components])
    put_row(detail, ["", "", "Điểm tối đa"] + [float(c.max_points) for c in annex.components])
    for cell in detail[1]:
        cell.font = bold
    for table in annex.tables:
        for s in table.standings:
            put_row(detail, [table.label, s.unit.code, s.unit.name]
                    + [round(s.points[c.code], 3) if c.code in s.points else None for c in annex.components])
    detail.column_dimensions["C"].width = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
