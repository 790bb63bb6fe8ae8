"""Reading a file into sheets of rows: CSV (any encoding ``decoding`` accepts, comma, semicolon or tab)
and XLSX (every sheet; numeric cells are numbers already, a percent-formatted 0,915 is 91,5).

Rows come lazily, numbered as a spreadsheet shows them (first row = 1), so a million-row file is never
held twice. A fault while reading (broken quoting, a corrupt workbook) becomes a problem, never an
exception.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from chiso.collection.importer.cells import CellError, from_number
from chiso.collection.importer.decoding import DELIMITER_LABELS, DecodeError, decode, sniff_delimiter
from chiso.collection.importer.problems import Problems

Cell = str | Decimal | datetime | date | time | bool | None
Row = tuple[int, list[Cell]]

MAX_UNZIPPED = 400 * 1024 * 1024  # a workbook whose parts unpack to more than this is refused (zip bomb)
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls


@dataclass
class Sheet:
    name: str | None  # None for a CSV file
    rows: Iterator[Row]


@dataclass
class FileInfo:
    kind: str = ""  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    sheets: list[Sheet] = field(default_factory=list)

    @property
    def delimiter_label(self) -> str:
        return DELIMITER_LABELS.get(self.delimiter, "")


def read_file(name: str, content: bytes, problems: Problems) -> FileInfo:
    info = FileInfo()
    if not content.strip():
        problems.add("Tệp trống, không có dữ liệu. Chọn đúng tệp rồi tải lên lại.",
                     "The file is empty. Choose the right file and upload it again.")
        return info
    if content.startswith(OLE_MAGIC):
        problems.add("Đây là tệp Excel cũ (.xls), chưa đọc được. Mở bằng Excel và lưu lại dạng .xlsx "
                     "hoặc \"CSV UTF-8\".",
                     "This is an old Excel file (.xls), which cannot be read. Open it in Excel and save it "
                     "as .xlsx or \"CSV UTF-8\".")
        return info
    if content.startswith(XLSX_MAGIC):
        info.kind = "xlsx"
        info.sheets = _xlsx_sheets(content, problems)
        return info
    info.kind = "csv"
    try:
        decoded = decode(content)
    except DecodeError as error:
        problems.add(error.vi, error.en)
        return info
    text = decoded.text
    info.encoding = decoded.label
    if "\x00" in text:
        problems.add("Tệp có ký tự NUL: đây không phải tệp văn bản CSV. "
                     "Lưu lại dạng \"CSV UTF-8\" hoặc .xlsx.",
                     "The file holds NUL characters: it is not a CSV text file. Save it as \"CSV UTF-8\" or "
                     ".xlsx.")
        return info
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:  # Excel's delimiter hint
        info.delimiter, text = first.strip()[4], rest
    else:
        info.delimiter = sniff_delimiter(text)
    info.sheets = [Sheet(None, _csv_rows(text, info.delimiter, problems))]
    return info


def _csv_rows(text: str, delimiter: str, problems: Problems) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):  # noqa: B007 - kept for the error below
            yield number, row  # type: ignore[misc]
    except csv.Error as error:
        problems.add(f"không đọc được dòng CSV ({error}). Kiểm tra dấu ngoặc kép \" và dấu phân cách; "
                     "lưu lại tệp bằng Excel dạng \"CSV UTF-8\".",
                     f"cannot read the CSV row ({error}). Check the quotes \" and the delimiters; save the "
                     "file again from Excel as \"CSV UTF-8\".", row=number + 1)


def _xlsx_sheets(content: bytes, problems: Problems) -> list[Sheet]:
    unreadable = ("Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải bảng tính. Mở bằng Excel, "
                  "lưu lại dạng .xlsx rồi tải lên lại.",
                  "Cannot read the Excel (.xlsx) file: it is damaged or not a workbook. Open it in Excel, "
                  "save it as .xlsx and upload it again.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        problems.add(*unreadable)
        return []
    if unpacked > MAX_UNZIPPED:
        problems.add("Tệp Excel giải nén ra quá lớn (hơn 400 MB). Chia nhỏ tệp hoặc lưu dạng CSV UTF-8.",
                     "The Excel file unpacks to more than 400 MB. Split it or save it as CSV UTF-8.")
        return []
    if "xl/workbook.xml" not in names:
        problems.add(*unreadable)
        return []
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheets = [(ws.title, ws) for ws in book.worksheets]
    except Exception:  # noqa: BLE001 - hostile or broken workbooks fail in many ways inside openpyxl
        problems.add(*unreadable)
        return []
    return [Sheet(title, _xlsx_rows(title, ws, problems)) for title, ws in sheets]


def _xlsx_rows(title: str, ws: object, problems: Problems) -> Iterator[Row]:
    number = 0
    try:
        ws.reset_dimensions()  # type: ignore[attr-defined] - stored dimensions may be wrong or missing
        for number, row in enumerate(ws.iter_rows(), start=1):  # type: ignore[attr-defined]  # noqa: B007
            yield number, [_xlsx_value(cell) for cell in row]
    except Exception:  # noqa: BLE001 - a corrupt sheet part can fail anywhere in openpyxl's parser
        problems.add("không đọc tiếp được trang này của tệp Excel (tệp hỏng). Mở bằng Excel, lưu lại rồi tải "
                     "lên lại.", "cannot read further in this sheet (the file is damaged). Open it in Excel, "
                     "save it and upload it again.", sheet=title, row=number + 1)


def _xlsx_value(cell: object) -> Cell:
    value = getattr(cell, "value", None)
    if isinstance(value, bool) or value is None or isinstance(value, (str, datetime, date, time)):
        return value
    if isinstance(value, (int, float, Decimal)):
        try:
            number = from_number(value)
        except CellError:
            return str(value)
        if "%" in (getattr(cell, "number_format", "") or ""):
            number = (number * 100).normalize()  # Excel keeps 91,5% as 0,915
        return number
    return str(value)
