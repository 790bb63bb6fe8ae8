"""The wide template of a report form: one row per unit, one column per data element, for one period.

It is pre-filled with the units' codes and names and with the figures already stored, so an officer
edits what is there and imports it back (unchanged figures stay unchanged). The importer reads it as is.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from chiso.collection.exports import SheetData, _vn_plain, csv_bytes, xlsx_bytes
from chiso.collection.models import Form
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.units.models import Unit
from chiso.values.models import QUALIFIER_WORDS, DataValue

HELP_TITLE = "Hướng dẫn"
HEADER_ROW = 4  # the row of column headers (1 = first row)


def template_for(form: Form, units: Sequence[Unit], period: Period, fmt: str = "xlsx") -> bytes:
    """The form's template for ``units`` and ``period`` as XLSX (default) or CSV (UTF-8, semicolons)."""
    elements = _elements(form)
    units = list(units)
    stored = _stored(units, elements, period)
    preamble = [["Biểu mẫu", form.code, form.name_vi], ["Kỳ báo cáo", str(period), period.vi_label()], []]
    header = ["Mã đơn vị", "Tên đơn vị", *[f"{e.code} – {e.name_vi}" for e in elements]]
    rows: list[list[object]] = []
    for unit in units:
        cells: list[object] = [unit.code, unit.name]
        for element in elements:
            figure = stored.get((unit.pk, element.pk))
            cells.append(_cell(figure, fmt) if figure else None)
        rows.append(cells)
    if fmt == "csv":
        return csv_bytes(preamble[0], [*preamble[1:], header, *rows])
    widths = {0: 12.0, 1: 28.0} | {i + 2: 18.0 for i in range(len(elements))}
    data = SheetData(form.code[:31], [*preamble, header, *rows], widths=widths, text_columns=(0,),
                     freeze=f"C{HEADER_ROW + 1}", bold_rows=(HEADER_ROW - 1,))
    return xlsx_bytes([data, _help(form, elements, period)])


def _elements(form: Form) -> list[DataElement]:
    order = {fe.data_element_id: (fe.order, fe.data_element.code)
             for fe in form.form_elements.select_related("data_element")}
    return sorted(DataElement.objects.filter(pk__in=order), key=lambda e: order[e.pk])


def _stored(units: list[Unit], elements: list[DataElement],
            period: Period) -> dict[tuple[int, int], tuple[Decimal, str]]:
    rows = DataValue.objects.filter(unit__in=units, data_element__in=elements, period=str(period),
                                    is_deleted=False, value__isnull=False)
    fields = ("unit_id", "data_element_id", "value", "qualifier")
    return {(u, e): (v, q) for u, e, v, q in rows.values_list(*fields)}


def _cell(figure: tuple[Decimal, str], fmt: str) -> object:
    value, qualifier = figure
    word = QUALIFIER_WORDS.get(qualifier, "")  # type: ignore[call-overload]
    number: Decimal | int = int(value) if value == value.to_integral_value() else value.normalize()
    if word:
        return f"{word} {_vn_plain(Decimal(number))}"
    return number if fmt != "csv" else _vn_plain(Decimal(number))


def _help(form: Form, elements: list[DataElement], period: Period) -> SheetData:
    rows: list[list[object]] = [
        [f"Biểu mẫu {form.code} – {form.name_vi}, {period.vi_label()}"],
        ["Mỗi dòng một đơn vị, mỗi cột một chỉ tiêu. Giữ nguyên mã đơn vị, kỳ báo cáo và dòng tiêu đề."],
        ["Số viết kiểu Việt Nam: 166.039 hoặc 91,5. Có thể ghi độ chính xác trước số: gần 25, hơn 3.500, "
         "không quá 10."],
        ["Ô để trống: chưa báo cáo, không ghi gì. Tải lên ở trang Nhập liệu › Tải tệp lên để xem trước "
         "rồi xác nhận."],
        [],
        ["Mã chỉ tiêu", "Tên", "Đơn vị tính", "Kiểu giá trị"],
    ]
    for element in elements:
        rows.append([element.code, element.name_vi, element.unit_of_measure,
                     element.get_value_type_display()])
    return SheetData(HELP_TITLE, rows, widths={0: 14.0, 1: 70.0, 2: 14.0, 3: 18.0}, bold_rows=(5,))
