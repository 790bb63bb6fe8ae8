"""Tests for chiso.engine.numbers (pure Python, no Django)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso.engine.numbers import NumberFormatError, format_number, format_percent, parse_vn_number

Value = Decimal | int | float | None


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "expected"),
    [
        (166039, None, "vi", "166.039"),
        (166039, None, "en", "166,039"),
        (Decimal("91.5"), 1, "vi", "91,5"),
        (Decimal("91.5"), 1, "en", "91.5"),
        (0.834, 4, "vi", "0,8340"),
        (0.834, 4, "en", "0.8340"),
        (0.834, None, "vi", "0,834"),
        (1234567.891, 2, "vi", "1.234.567,89"),
        (1234567.891, 2, "en", "1,234,567.89"),
        (-1234, None, "vi", "-1.234"),
        (-1234.5, None, "en", "-1,234.5"),
        (0, None, "vi", "0"),
        (0, 2, "vi", "0,00"),
        (999, None, "vi", "999"),
        (1000, None, "vi", "1.000"),
        (Decimal("1000000"), None, "vi", "1.000.000"),
        (Decimal("1E+3"), None, "vi", "1.000"),
        (Decimal("12.000"), None, "vi", "12"),
        (12.0, None, "vi", "12"),
        (Decimal("12.50"), None, "vi", "12,5"),
        (Decimal("0.1234565"), None, "vi", "0,123457"),
        (Decimal("0.0000001"), None, "vi", "0"),
        (Decimal("99.9999999"), None, "vi", "100"),
        (2.5, 0, "vi", "3"),
        (Decimal("0.125"), 2, "vi", "0,13"),
        (Decimal("-0.125"), 2, "vi", "-0,13"),
        (Decimal("-0.001"), 1, "vi", "0,0"),
        (1.005, 2, "vi", "1,01"),
        (None, None, "vi", "–"),
        (None, 2, "en", "–"),
    ],
)
def test_format_number(value: Value, decimals: int | None, lang: str, expected: str) -> None:
    assert format_number(value, decimals, lang) == expected


def test_format_number_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        format_number(1, lang="fr")
    with pytest.raises(ValueError):
        format_number(1, decimals=-1)
    with pytest.raises(ValueError):
        format_number(float("nan"))
    with pytest.raises(TypeError):
        format_number(True)
    with pytest.raises(TypeError):
        format_number("12")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "expected"),
    [
        (91.5, 1, "vi", "91,5%"),
        (91.5, 1, "en", "91.5%"),
        (91, 1, "vi", "91,0%"),
        (91, 0, "vi", "91%"),
        (Decimal("83.45"), 1, "vi", "83,5%"),
        (Decimal("100"), 2, "en", "100.00%"),
        (1234.5, 1, "vi", "1.234,5%"),
        (None, 1, "vi", "–"),
    ],
)
def test_format_percent(value: Value, decimals: int, lang: str, expected: str) -> None:
    assert format_percent(value, decimals, lang) == expected


def test_format_percent_default_decimals() -> None:
    assert format_percent(91.5) == "91,5%"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("166.039", Decimal("166039")),
        ("91,5", Decimal("91.5")),
        ("91,50", Decimal("91.50")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("-12", Decimal("-12")),
        ("-1.234", Decimal("-1234")),
        ("0", Decimal("0")),
        ("-0", Decimal("0")),
        ("0,5", Decimal("0.5")),
        ("1234", Decimal("1234")),
        ("1234,5", Decimal("1234.5")),
        ("  42 ", Decimal("42")),
    ],
)
def test_parse_vn_number(text: str, expected: Decimal) -> None:
    result = parse_vn_number(text)
    assert result == expected
    assert str(result) == str(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "chỉ được dùng chữ số"),
        ("12a", "chỉ được dùng chữ số"),
        ("1 234", "chỉ được dùng chữ số"),
        ("-", "chỉ được dùng chữ số"),
        ("", "ô trống"),
        ("1,2,3", "nhiều hơn một dấu phẩy"),
        ("1.23", "phải đứng trước đúng 3 chữ số"),
        ("1.2345", "phải đứng trước đúng 3 chữ số"),
        ("12.34,5", "phải đứng trước đúng 3 chữ số"),
        ("1.234.56", "phải đứng trước đúng 3 chữ số"),
        ("1234.567", "nhóm đầu tiên"),
        ("0.500", "nhóm đầu tiên"),
        (",5", "có chữ số ở cả hai bên"),
        ("5,", "có chữ số ở cả hai bên"),
        ("1,234.5", "không được đứng sau dấu phẩy"),
    ],
)
def test_parse_vn_number_invalid(text: str, reason: str) -> None:
    with pytest.raises(NumberFormatError) as excinfo:
        parse_vn_number(text)
    message = str(excinfo.value)
    assert f"'{text.strip()}'" in message
    assert reason in message
    assert message.startswith("Số không hợp lệ:")
    assert isinstance(excinfo.value, ValueError)


def test_ambiguous_dot_message_suggests_comma() -> None:
    with pytest.raises(NumberFormatError, match="ví dụ 1,23"):
        parse_vn_number("1.23")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integer_round_trip(value: int) -> None:
    assert parse_vn_number(format_number(value)) == value


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_two_decimal_round_trip(value: Decimal) -> None:
    text = format_number(value, decimals=2)
    assert parse_vn_number(text) == value
    assert "," in text


class _General(Decimal):
    """A Decimal that ``format_number`` takes the general way (its short way is for ``int`` and ``Decimal`` only)."""


@given(st.one_of(st.integers(min_value=-10 ** 27, max_value=10 ** 27),  # the general way keeps 28 digits
                 st.integers(min_value=-10 ** 20, max_value=10 ** 20).map(Decimal),
                 st.integers(min_value=-10 ** 6, max_value=10 ** 6).map(lambda n: Decimal(n).scaleb(3)),
                 st.integers(min_value=-10 ** 6, max_value=10 ** 6).map(lambda n: Decimal(f"{n}.000"))),
       st.sampled_from(["vi", "en"]))
def test_a_whole_number_reads_the_same_by_the_short_way(value: int | Decimal, lang: str) -> None:
    """The short way for whole numbers writes what the general way writes (``-0`` as ``0``)."""
    assert format_number(value, lang=lang) == format_number(_General(value), lang=lang)
