"""What an officer may type in a cell, read strictly, and written back the same way."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from chiso.collection.entry import cells
from chiso.collection.entry.cells import Cell, CellError, parse_cell, show_cell


def test_the_doctests():
    assert doctest.testmod(cells).failed == 0


@pytest.mark.parametrize("text, value_type, expected", [
    ("166.039", "integer", Cell(Decimal("166039"))),
    ("91,5", "percent", Cell(Decimal("91.5"))),
    ("91,5 %", "percent", Cell(Decimal("91.5"))),
    ("Gần 25", "integer", Cell(Decimal("25"), "approximate")),
    ("khoảng 1.200", "integer", Cell(Decimal("1200"), "approximate")),
    ("hơn 3.500", "integer", Cell(Decimal("3500"), "at_least")),
    ("trên 90", "percent", Cell(Decimal("90"), "at_least")),
    ("không quá 10", "integer", Cell(Decimal("10"), "at_most")),
    ("~ 7", "number", Cell(Decimal("7"), "approximate")),
    ("   ", "integer", Cell(None)),
])
def test_cells_that_read(text, value_type, expected):
    assert parse_cell(text, value_type) == expected


@pytest.mark.parametrize("text, value_type, message", [
    ("hơn", "integer", "Sau chữ 'hơn' cần một con số, ví dụ 'gần 25' hoặc 'hơn 3.500'."),
    ("12/12", "integer", "'12/12' không phải số viết kiểu Việt Nam (chỉ được dùng chữ số, dấu chấm '.' ngăn cách "
                         "hàng nghìn và dấu phẩy ',' thập phân). Ví dụ đúng: 166.039 hoặc 91,5; có thể thêm chữ: "
                         "gần 25, hơn 3.500."),
    ("91,5%", "integer", "'91,5%' không phải số viết kiểu Việt Nam (chỉ được dùng chữ số, dấu chấm '.' ngăn cách "
                         "hàng nghìn và dấu phẩy ',' thập phân). Ví dụ đúng: 166.039 hoặc 91,5; có thể thêm chữ: "
                         "gần 25, hơn 3.500."),
])
def test_cells_that_do_not_read_say_why(text, value_type, message):
    with pytest.raises(CellError) as error:
        parse_cell(text, value_type)
    assert str(error.value) == message


@pytest.mark.parametrize("value, qualifier", [
    (Decimal("166039"), "exact"), (Decimal("91.5"), "exact"), (Decimal("3500"), "at_least"),
    (Decimal("25"), "approximate"), (Decimal("10"), "at_most"), (Decimal("0.125"), "exact"), (None, "exact"),
])
def test_what_a_cell_shows_reads_back_the_same(value, qualifier):
    back = parse_cell(show_cell(value, qualifier))
    assert back == (Cell(value, qualifier) if value is not None else Cell(None))
