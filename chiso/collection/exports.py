"""CSV and XLSX exports that a spreadsheet cannot turn into formulas (no CSV injection).

Every CSV or XLSX file chiso hands out goes through ``csv_bytes`` or ``xlsx_bytes``, which pass each cell
through the one rule of ``chiso.engine.spreadsheet``: in a CSV, a text starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return gets a leading apostrophe; in an XLSX it keeps its text and is a string cell
with the quote prefix, so Excel and LibreOffice show it as text instead of running it. Numbers stay numbers,
and so does a text that is a plain number (``-12``, ``-1.234,5``). The importer takes the apostrophe off
again, so a file exported and imported back is unchanged.

Files people download (``Table``, ``table_csv``, ``tables_xlsx``): a CSV holds one table, UTF-8 with a BOM.
Its numbers are rounded to the column's decimals and written **without thousands grouping**: in Vietnamese with a
decimal comma and ``;`` between cells (``95767,05``: Excel in a Vietnamese locale opens it as a number, and a
program never has to guess whether a dot groups thousands), in English with a decimal point and ``,``
(``95767.05``). Grouping (``95.767,05``) is left to the XLSX, whose number formats show it in the reader's own
separators.

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
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# the one rule, shared by every writer
from chiso.engine.spreadsheet import FORMULA_STARTS, put_row, safe_cell

__all__ = ["FORMULA_STARTS", "Column", "SheetData", "Table", "csv_bytes", "csv_stream", "number_text", "rounded",
           "safe_cell", "table_csv", "tables_xlsx", "xlsx_bytes"]


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]], *, delimiter: str = ";") -> bytes:
    """A CSV file Excel opens in Vietnamese (UTF-8 with BOM, semicolons), every cell through ``safe_cell``."""
    return b"".join(csv_stream(header, rows, delimiter=delimiter))


def csv_stream(header: Sequence[object], rows: Iterable[Sequence[object]], *, delimiter: str = ";",
               batch: int = 64_000) -> Iterator[bytes]:
    r"""The same file as ``csv_bytes``, in pieces of about ``batch`` characters, for a StreamingHttpResponse:
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


# -- tables people download: one table per CSV, sheets with a title, source and licence in an XLSX -------------

@dataclass(frozen=True)
class Column:
    """A column of a downloaded table. ``header`` is already in the file's language; ``decimals`` rounds a
    number column (None: a text column, or a number kept with as many decimals as it has)."""

    header: str
    number: bool = False
    decimals: int | None = None
    width: float = 12.0


@dataclass
class Table:
    """One table: a CSV file of its own, or one sheet of a workbook (``sheet`` names it, ``title`` and
    ``notes`` — the source, the licence — head the sheet above the column headers)."""

    sheet: str
    title: str
    columns: Sequence[Column]
    rows: list[Sequence[object]]
    notes: Sequence[str] = ()


def rounded(value: object, decimals: int | None) -> object:
    """A number rounded half up to ``decimals`` (Decimal in, Decimal out); anything else as is.

    >>> rounded(Decimal("95767.0536"), 2), rounded(Decimal("95767.5"), 0), rounded(Decimal("2.5"), None)
    (Decimal('95767.05'), Decimal('95768'), Decimal('2.5'))
    >>> rounded(7, 1), rounded(None, 1), rounded(0.125, 2), rounded(Decimal("1E+40"), 2)
    (Decimal('7.0'), None, Decimal('0.13'), Decimal('1E+40'))
    """
    if value is None or isinstance(value, bool) or not isinstance(value, (Decimal, int, float)):
        return value
    number = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    if not number.is_finite():
        return None
    if decimals is None:
        return number
    try:
        return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than a Decimal context holds: nothing left to round
        return number


def number_text(value: Decimal, lang: str = "vi") -> str:
    """How a CSV writes a number: no thousands grouping, every decimal the column rounds to; a decimal
    comma in Vietnamese (the ``;``-separated file Excel opens as numbers in a Vietnamese locale), a point in
    English (the ``,``-separated file of an English locale). Exactly three decimals get a fourth zero in
    Vietnamese so that ``1,2340`` is never read as one thousand two hundred and thirty-four.

    >>> number_text(Decimal("95767.05")), number_text(Decimal("95767.05"), "en"), number_text(Decimal("-3"))
    ('95767,05', '95767.05', '-3')
    >>> number_text(Decimal("91.50")), number_text(Decimal("1.234")), number_text(Decimal("1.234"), "en")
    ('91,50', '1,2340', '1.234')
    """
    text = f"{value:f}"
    if lang == "en" or "." not in text:
        return text
    integer, fraction = text.split(".")
    return f"{integer},{fraction}0" if len(fraction) == 3 else f"{integer},{fraction}"


def _cells(table: Table, row: Sequence[object]) -> list[object]:
    return [rounded(v, c.decimals) if c.number else v for c, v in zip(table.columns, row, strict=True)]


def table_csv(table: Table, lang: str = "vi") -> bytes:
    r"""``table`` as a CSV file: UTF-8 with a BOM (Excel on Windows reads "Phường Thanh Khê" right), the column
    headers, then the rows; ``;`` and decimal commas in Vietnamese, ``,`` and decimal points in English;
    numbers rounded to their column's decimals; every text through ``safe_cell``.

    >>> t = Table("s", "T", [Column("Đơn vị"), Column("Giá trị", number=True, decimals=2)],
    ...           [["Phường Thanh Khê", Decimal("95767.0536")], ["=1+1", None]])
    >>> table_csv(t).decode("utf-8").split("\r\n")
    ['\ufeffĐơn vị;Giá trị', 'Phường Thanh Khê;95767,05', "'=1+1;", '']
    >>> table_csv(t, "en").decode("utf-8").split("\r\n")[1]
    'Phường Thanh Khê,95767.05'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if lang == "en" else ";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([safe_cell(c.header) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else number_text(v, lang) if isinstance(v, Decimal) else safe_cell(v)
                         for v in _cells(table, row)])
    return buffer.getvalue().encode("utf-8")


def number_format(decimals: int | None) -> str:
    """Excel's format for a number column: grouped thousands and the column's decimals (Excel writes them
    with the reader's own separators: 95.767,05 in Vietnamese, 95,767.05 in English).

    >>> number_format(0), number_format(2), number_format(None)
    ('#,##0', '#,##0.00', 'General')
    """
    if decimals is None:
        return "General"
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def tables_xlsx(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table: the title (bold), its notes (source, licence), an empty row,
    the column headers (bold, frozen with the rows above them, filterable), then the rows: numbers stay
    numbers, rounded and formatted to their column's decimals; column widths set; every text cell through
    ``put_row`` (formula-like text: a string cell with the quote prefix)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        ws = book.create_sheet(title=table.sheet[:31])
        put_row(ws, [table.title])
        ws.cell(1, 1).font = Font(bold=True, size=13)
        for note in table.notes:
            put_row(ws, [note])
            ws.cell(ws.max_row, 1).alignment = Alignment(wrap_text=False)
        header_row = len(table.notes) + 3  # the title, the notes, an empty row
        ws.append([])
        put_row(ws, [c.header for c in table.columns])
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E8EEF2")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            put_row(ws, [float(v) if isinstance(v, Decimal) else v for v in _cells(table, row)])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = column.width
            if column.number:
                for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                    cell.number_format = number_format(column.decimals)
            else:
                for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                    if cell.data_type == "s":
                        cell.number_format = "@"
        ws.freeze_panes = f"A{header_row + 1}"
        if table.rows:
            ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table.columns))}{ws.max_row}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def source_notes(lang: str, *, published_to: str = "") -> list[str]:
    """The source and licence rows that head a downloaded sheet, from the publisher and licence settings."""
    from chiso import conf

    vi, _, en = conf.env_str("CHISO_PUBLISHER_NAME").partition("|")
    publisher = (en.strip() or vi.strip()) if lang == "en" else vi.strip()
    terms = conf.env_str("CHISO_OPEN_DATA_LICENCE").strip()
    uri, _, text = terms.partition(" ")
    if not uri.startswith(("http://", "https://")):
        uri, text = "", terms
    if lang == "en":
        source = f"Source: chiso – digital transformation indicators of Đà Nẵng; publisher: {publisher}"
        if published_to:
            source += f"; published figures up to {published_to}"
        licence = "Licence: " + ("CC BY 4.0" if "creativecommons.org/licenses/by/4.0" in uri else text or uri)
        return [source + ".", licence + (f" ({uri})" if uri else "")]
    source = f"Nguồn: chiso – Chỉ số chuyển đổi số Đà Nẵng; đơn vị công bố: {publisher}"
    if published_to:
        source += f"; số liệu đã công bố đến {published_to}"
    return [source + ".", "Giấy phép: " + (text or uri) + (f" ({uri})" if uri and text else "")]


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


HISTORY_WIDTHS = (11, 30, 10, 24, 9, 10, 8, 12, 12, 12, 30, 24, 7, 10, 24, 16, 18)
HISTORY_NUMBERS = {6: 0, 7: None, 8: None}  # the revision is whole; figures keep the digits they were typed with


def history_export(history: Iterable[object], fmt: str) -> bytes:
    """The history rows as a CSV (BOM, semicolons, decimal commas) or an XLSX workbook: a title naming the
    unit, a note that the file holds unpublished figures, the headers frozen, numbers as numbers."""
    rows = list(history_rows(history))
    if fmt != "xlsx":
        return csv_bytes(HISTORY_HEADER, rows)
    from django.utils import timezone

    units = sorted({f"{r[3]} ({r[4]})" for r in rows})
    title = "Lịch sử sửa số liệu" + (f": {', '.join(units)}" if units else "")
    columns = [Column(h, number=i in HISTORY_NUMBERS, decimals=HISTORY_NUMBERS.get(i), width=w)
               for i, (h, w) in enumerate(zip(HISTORY_HEADER, HISTORY_WIDTHS, strict=True))]
    notes = [f"Xuất lúc {timezone.localtime():%d/%m/%Y %H:%M} từ chiso. Tệp có cả số liệu chưa công bố: chỉ dùng "
             "trong đơn vị, không công bố lại."]
    return tables_xlsx([Table("Lịch sử số liệu", title, columns, rows, notes)])
