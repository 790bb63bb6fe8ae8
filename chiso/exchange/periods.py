"""DHIS2 period identifiers and chiso periods, both ways (pure: no Django).

=========  ============  ==============
kind       DHIS2         chiso
=========  ============  ==============
year       ``2024``      ``2024``
quarter    ``2024Q4``    ``2024Q4``
month      ``202410``    ``2024-10``
day        ``20241015``  ``2024-10-15``
=========  ============  ==============

DHIS2's other period types (weeks ``2024W1``, bi-months ``202401B``, six-months ``2024S1``, financial years
``2024April``, …) have no chiso period: they are refused with a sentence that says what to send instead.

>>> [to_dhis2(Period.parse(t)) for t in ["2024", "2024Q4", "2024-10", "2024-10-15"]]
['2024', '2024Q4', '202410', '20241015']
>>> [str(from_dhis2(t)) for t in ["2024", "2024Q4", "202410", "20241015"]]
['2024', '2024Q4', '2024-10', '2024-10-15']
>>> from_dhis2("2024W1")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
chiso.exchange.periods.DhisPeriodError: kỳ '2024W1' là một tuần của DHIS2; chiso chỉ nhận ...
"""

from __future__ import annotations

import re

from chiso.engine.periods import Period, PeriodError, PeriodKind

__all__ = ["DhisPeriodError", "from_dhis2", "to_dhis2"]

FORMS_VI = "năm yyyy (2024), quý yyyyQn (2024Q4), tháng yyyyMM (202410) hoặc ngày yyyyMMdd (20241015)"
FORMS_EN = "a year yyyy (2024), a quarter yyyyQn (2024Q4), a month yyyyMM (202410) or a day yyyyMMdd (20241015)"
_YEAR = re.compile(r"\d{4}")
_QUARTER = re.compile(r"(\d{4})Q(\d)")
_MONTH = re.compile(r"(\d{4})(\d{2})")
_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")
_OTHER = (  # DHIS2 period types chiso has no period for, as a reader would name them
    (re.compile(r"\d{4}(?:Wed|Thu|Sat|Sun|Bi)?W\d{1,2}"), "một tuần", "a week"),
    (re.compile(r"\d{6}B"), "hai tháng", "a bi-month"),
    (re.compile(r"\d{4}(?:Nov|Apr)?S\d"), "nửa năm", "a six-month"),
    (re.compile(r"\d{4}(?:April|July|Oct|Nov|Sep)"), "một năm tài chính", "a financial year"),
)


class DhisPeriodError(ValueError):
    """A DHIS2 period identifier chiso cannot take; ``vi`` and ``en`` say why and what to send."""

    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(vi)


def to_dhis2(period: Period) -> str:
    """The DHIS2 identifier of a chiso period."""
    if period.kind is PeriodKind.MONTH:
        return f"{period.year:04d}{period.start.month:02d}"
    if period.kind is PeriodKind.DAY:
        return period.start.strftime("%Y%m%d")
    return str(period)  # a year and a quarter are written alike


def from_dhis2(text: str) -> Period:
    """The chiso period of a DHIS2 identifier (yyyy, yyyyQn, yyyyMM, yyyyMMdd); DhisPeriodError otherwise."""
    clean = (text or "").strip()
    shown = clean if len(clean) <= 30 else clean[:29] + "…"
    try:
        if _YEAR.fullmatch(clean):
            return Period.parse(clean)
        if match := _QUARTER.fullmatch(clean):
            return Period.parse(f"{match[1]}Q{match[2]}")
        if match := _MONTH.fullmatch(clean):
            return Period.parse(f"{match[1]}-{match[2]}")
        if match := _DAY.fullmatch(clean):
            return Period.parse(f"{match[1]}-{match[2]}-{match[3]}")
    except PeriodError as error:
        raise DhisPeriodError(f"kỳ '{shown}' không hợp lệ ({error.reason_vi}). Gửi {FORMS_VI}.",
                              f"period '{shown}' is not valid ({error.reason_en}). Send {FORMS_EN}.") from None
    for pattern, vi, en in _OTHER:
        if pattern.fullmatch(clean):
            raise DhisPeriodError(f"kỳ '{shown}' là {vi} của DHIS2; chiso chỉ nhận {FORMS_VI}.",
                                  f"period '{shown}' is {en} in DHIS2; chiso takes only {FORMS_EN}.")
    if not clean:
        raise DhisPeriodError(f"thiếu kỳ. Gửi {FORMS_VI}.", f"the period is missing. Send {FORMS_EN}.")
    raise DhisPeriodError(f"kỳ '{shown}' không đúng dạng kỳ của DHIS2. Gửi {FORMS_VI}.",
                          f"period '{shown}' is not a DHIS2 period. Send {FORMS_EN}.")
