"""The annual report as a PDF (WeasyPrint: HTML + inline SVG charts, DejaVu fonts embedded) or XLSX."""

from __future__ import annotations

import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from chiso.collection.exports import number_format
from chiso.engine.numbers import format_number
from chiso.engine.spreadsheet import put_row
from chiso.portal.svg import bars, line_chart
from chiso.portal.templatetags.vn import ind_value
from chiso.reports.build import AnnualReport, Line

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CHARTS_PER_REPORT = 3


def _fonts() -> list[tuple[str, str, str]]:
    """(weight, style, file URL) of the DejaVu Sans faces found on the machine."""
    faces = [("normal", "normal", "DejaVuSans.ttf"), ("bold", "normal", "DejaVuSans-Bold.ttf"),
             ("normal", "italic", "DejaVuSans-Oblique.ttf")]
    return [(w, s, (FONT_DIR / name).as_uri()) for w, s, name in faces if (FONT_DIR / name).exists()]


def _section_chart(lines: list[Line], title: str) -> str:
    items = [(line.indicator.code, line.card.progress, f"{format_number(line.card.progress, 0)}%")
             for line in lines if line.card.progress is not None]
    return bars(items, label=title) if items else ""


def _line_charts(report: AnnualReport) -> list[tuple[Line, str]]:
    chosen = [line for line in report.highlights + report.laggards if len(line.card.series) >= 2]
    charts = []
    for line in chosen[:CHARTS_PER_REPORT]:
        rows = line.card.series
        goal = float(line.card.goal.value) if line.card.goal else None
        svg = line_chart(
            [float(r.value) for r in rows], [f"{r.period.month:02d}/{r.period.year}" for r in rows],  # type: ignore[arg-type]
            label=f"{line.indicator.code} {line.indicator.name_vi}: diễn biến hằng tháng",
            fmt=lambda v, i=line.indicator: ind_value(v, i), whole=line.indicator.kind == "count",
            target=goal, target_text=f"mục tiêu {ind_value(goal, line.indicator)}" if goal is not None else "")
        charts.append((line, svg))
    return charts


def render_html(report: AnnualReport) -> str:
    with translation.override("vi"):
        return render_to_string("reports/annual.html", {
            "r": report, "fonts": _fonts(), "line_charts": _line_charts(report),
            "section_charts": {s.pillar.code: _section_chart(s.lines, f"Mức đạt mục tiêu, {s.pillar.name_vi}")
                               for s in report.sections},
        })


def render_pdf(report: AnnualReport) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(report), base_url=str(FONT_DIR)).write_pdf()  # type: ignore[no-any-return]


def render_xlsx(report: AnnualReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "Kết quả"
    put_row(sheet, [f"Báo cáo kết quả chuyển đổi số năm {report.year} – {report.unit.name}"])
    sheet["A1"].font = Font(bold=True, size=13)
    put_row(sheet, [f"Mã đơn vị {report.unit.code}, danh mục {report.unit.version.name}; số liệu đến tháng "
                    f"{report.month.month:02d}/{report.month.year}. Cột «minh họa» = có: số liệu do chương "
                    "trình sinh ra, không phải số liệu thật."])
    header = ["Trụ cột", "Mã", "Chỉ tiêu", "Đơn vị tính", f"Năm {report.year - 1}", f"Năm {report.year}",
              "Thay đổi", "Mục tiêu", "Hạn", "Loại mục tiêu", "Trạng thái", "Minh họa", "Nguồn",
              "Số liệu so với mục tiêu", "Kỳ của số liệu so với mục tiêu", "Xếp hạng"]
    put_row(sheet, header)
    for cell in sheet[3]:
        cell.font = bold
    for section in report.sections:
        for line in section.lines:
            goal = line.card.goal
            put_row(sheet, [
                section.pillar.code, line.indicator.code, line.indicator.name_vi, line.indicator.unit_of_measure,
                _number(line.previous), _number(line.value),
                float(line.change) if line.change is not None else None,
                float(goal.value) if goal else None, goal.deadline if goal else None,
                ("kế hoạch" if goal.kind == "plan" else "mức tham chiếu") if goal else None,
                line.status.vi, "có" if line.illustrative else "không",
                "; ".join(f"[{s.number}] {s.text}" for s in line.sources),
                _number(line.card.figure), line.card.figure_label if line.card.figure else None,
                f"{line.card.peers.label} ({line.card.peers.period_label})" if line.card.peers else None,
            ])
            sheet.cell(sheet.max_row, 9).number_format = "DD/MM/YYYY"
            shown = number_format(0 if line.indicator.kind == "count" else line.indicator.decimals)
            for column in (5, 6, 7, 8, 14):  # the figures, the change, the target: the indicator's decimals
                sheet.cell(sheet.max_row, column).number_format = shown
    for letter, width in zip("ABCDEFGHIJKLMNOP", (7, 10, 48, 12, 12, 12, 11, 10, 11, 14, 18, 8, 50, 12, 24, 14),
                             strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=4):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "D4"  # the headers and the indicator stay in sight
    if report.children:
        children = book.create_sheet("Đơn vị trực thuộc")
        put_row(children, ["Mã", "Đơn vị"] + [f"{i.code} {i.name_vi}" for i in report.child_columns])
        for cell in children[1]:
            cell.font = bold
        for child in report.children:
            put_row(children, [child.unit.code, child.unit.name] + [_number(r) for _, r in child.cells])
        children.column_dimensions["B"].width = 28
        children.freeze_panes = "C2"
    sources = book.create_sheet("Nguồn")
    put_row(sources, ["Số", "Yếu tố dữ liệu", "Kỳ", "Giá trị", "Nguồn"])
    for cell in sources[1]:
        cell.font = bold
    for value, source in report.real_values:
        put_row(sources, [source.number if source else None, value.data_element.code,  # type: ignore[attr-defined]
                          value.period, float(value.value) if value.value is not None else None,  # type: ignore[attr-defined]
                          source.text if source else ""])
    sources.column_dimensions["E"].width = 90
    sources.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(row: object) -> float | None:
    value = getattr(row, "value", None)
    return float(value) if value is not None else None
