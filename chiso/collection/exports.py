"""CSV and XLSX exports that a spreadsheet cannot turn into formulas (no CSV injection).

Every CSV or XLSX file chiso hands out goes through ``csv_bytes`` or ``xlsx_bytes``, which pass each cell
through the one rule of ``chiso.engine.spreadsheet``: in a CSV, a text starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe; in an XLSX it keeps its text and is a string cell
with the quote prefix, so Excel and LibreOffice show it as text instead of running it. Numbers stay numbers,
and so does a text that is a plain number (``-12``, ``-1.234,5``). The importer takes the apostrophe off
again, so a file exported and imported back is unchanged.

>>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-12"), safe_cell("-1.234,5"), safe_cell(-12)
('\\'=HYPERLINK("http://x")', '-12', '-1.234,5', -12)
>>> safe_cell("@SUM(A1)"), safe_cell("+84 905"), safe_cell("\\tx"), safe_cell("Phường Thạc Gián")
("'@SUM(A1)", "'+84 905", "'\\tx", 'Phường Thạc Gián')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

# the one rule, shared by every writer
from chiso.engine.spreadsheet import FORMULA_STARTS, put_row, safe_cell

__all__ = ["FORMULA_STARTS", "SheetData", "csv_bytes", "csv_stream", "safe_cell", "xlsx_bytes"]


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]], *, delimiter: str = ";") -> bytes:
    """A CSV file Excel opens in Vietnamese (UTF-8 with BOM, semicolons), every cell through ``safe_cell``."""
    return b"".join(csv_stream(header, rows, delimiter=delimiter))


def csv_stream(header: Sequence[object], rows: Iterable[Sequence[object]], *, delimiter: str = ";",
               batch: int = 64_000) -> Iterator[bytes]:
    """The same file as ``csv_bytes``, in pieces of about ``batch`` characters, for a StreamingHttpResponse:
    a large export never sits whole in memory.

    >>> b"".join(csv_stream(["a"], [["=1"], [2]])) == "\ufeffa\r\n'=1\r\n2\r\n".encode()
    True
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([_csv_text(safe_cell(c)) for c in header])
    for row in rows:
        writer.writerow([_csv_text(safe_cell(c)) for c in row])
        if buffer.tell() >= batch:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _csv_text(value: object) -> object:
    if isinstance(value, Decimal):
        return _vn_plain(value)
    if isinstance(value, float):
        return _vn_plain(Decimal(repr(value)))
    return "" if value is None else value


def _vn_plain(value: Decimal) -> str:
    """A number without thousands grouping and with a decimal comma; three decimals get a fourth zero
    (``1,2340``) so the importer never finds it ambiguous with a thousands group."""
    text = f"{value.normalize():f}"
    if "." in text:
        integer, fraction = text.split(".")
        if len(fraction) == 3:
            fraction += "0"
        return f"{integer},{fraction}"
    return text


@dataclass
class SheetData:
    title: str
    rows: list[Sequence[object]]
    widths: dict[int, float] | None = None  # column index → width
    text_columns: tuple[int, ...] = ()  # columns kept as text (periods: Excel would make 2024-07 a date)
    freeze: str | None = None  # e.g. "C4"
    bold_rows: tuple[int, ...] = ()  # 0-based row indexes


def xlsx_bytes(sheets: Sequence[SheetData]) -> bytes:
    """An XLSX workbook of the sheets given, every cell through ``put_row`` (formula-like text: a
    string cell with the quote prefix, its text unchanged)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for data in sheets:
        ws = book.create_sheet(title=data.title[:31])
        for index, row in enumerate(data.rows):
            put_row(ws, row)
            if index in data.bold_rows:
                for cell in ws[index + 1]:
                    cell.font = Font(bold=True)
        for column in data.text_columns:
            for (cell,) in ws.iter_rows(min_col=column + 1, max_col=column + 1):
                cell.number_format = "@"
        for column, width in (data.widths or {}).items():
            ws.column_dimensions[get_column_letter(column + 1)].width = width
        if data.freeze:
            ws.freeze_panes = data.freeze
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- the history of figures -----------------------------------------------------------------------------

HISTORY_HEADER = ["Mã chỉ tiêu", "Chỉ tiêu", "Mã đơn vị", "Đơn vị", "Danh mục", "Kỳ báo cáo", "Lần sửa",
                  "Giá trị cũ", "Giá trị", "Độ chính xác", "Nguồn", "Ghi chú", "Đã xóa", "Kênh", "Lý do",
                  "Người sửa", "Lúc"]


def history_rows(history: Iterable[object]) -> Iterator[list[object]]:
    """Rows of ``HISTORY_HEADER`` for DataValueHistory rows (select_related data_value__data_element,
    data_value__unit__version, changed_by), one at a time (an export can stream them)."""
    from django.utils import timezone

    from chiso.values.models import Channel, Qualifier

    channels, qualifiers = dict(Channel.choices), dict(Qualifier.choices)
    for h in history:
        value = h.data_value  # type: ignore[attr-defined]
        yield ([value.data_element.code, value.data_element.name_vi, value.unit.code, value.unit.name,
                     value.unit.version.name, value.period, h.revision, h.old_value, h.value,  # type: ignore[attr-defined]
                     qualifiers.get(h.qualifier, h.qualifier), h.source, h.comment,  # type: ignore[attr-defined]
                     "có" if h.is_deleted else "", channels.get(h.channel, h.channel), h.reason,  # type: ignore[attr-defined]
                     h.changed_by.get_username() if h.changed_by else "",  # type: ignore[attr-defined]
                     timezone.localtime(h.changed_at).strftime("%d/%m/%Y %H:%M:%S")])  # type: ignore[attr-defined]


def history_export(history: Iterable[object], fmt: str) -> bytes:
    """The history rows as a CSV or XLSX file."""
    rows = history_rows(history)
    if fmt == "xlsx":
        sheet = SheetData("Lịch sử số liệu", [HISTORY_HEADER, *rows], freeze="A2", bold_rows=(0,))
        return xlsx_bytes([sheet])
    return csv_bytes(HISTORY_HEADER, rows)
