"""Template filters that show numbers, dates and periods the Vietnamese way (English when active).

{% load vn %}  {{ value|vn_number }} → 166.039 · {{ 91.5|vn_percent }} → 91,5% ·
{{ share|vn_share }} → 26,12% · {{ day|vn_date }} → 01/07/2025 · {{ "2024Q3"|period_label }} → Quý III/2024
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django import template

from chiso.engine.numbers import MISSING, Number, format_number, format_percent
from chiso.engine.periods import Period, PeriodError
from chiso.indicators.models import ValueType
from chiso.values.models import QUALIFIER_WORDS, Qualifier
from chiso.web.language import name_in_page_language, page_language, period_words

register = template.Library()

SHARE_DECIMALS = 2  # a population share 0.2612 shows as 26,12%


register.simple_tag(page_language, name="page_language")


def _lang() -> str:
    return "en" if page_language() == "en" else "vi"


def _number(value: object) -> Number | None:
    """Decimal, int or float as given; text read as a plain decimal; anything else None."""
    if value is None or value == "":
        return None
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def vn_number(value: object, decimals: int | str | None = None) -> str:
    """166039 → "166.039"; ``decimals`` fixes the decimals, else as many as needed (at most 6)."""
    number = _number(value)
    if number is None:
        return MISSING
    return format_number(number, None if decimals in (None, "") else int(decimals), _lang())


@register.filter
def vn_percent(value: object, decimals: int | str = 1) -> str:
    """A value that already is a percentage: 91.5 → "91,5%"."""
    number = _number(value)
    if number is None:
        return MISSING
    return format_percent(number, int(decimals), _lang())


@register.filter
def vn_share(value: object) -> str:
    """A share 0..1 as a percentage with up to two decimals: 0.2612 → "26,12%", 1 → "100%"."""
    number = _number(value)
    if number is None:
        return MISSING
    percent = (Decimal(str(number)) * 100).quantize(Decimal(1).scaleb(-SHARE_DECIMALS))
    return format_number(percent, None, _lang()) + "%"


@register.filter
def vn_value(value: object, value_type: str = "number") -> str:
    """A reported figure by its element's value type: integer 133.713, percent 91,5%, number 2,5."""
    number = _number(value)
    if number is None:
        return MISSING
    if value_type == ValueType.INTEGER:
        return format_number(number, 0, _lang())
    text = format_number(number, None, _lang())
    return text + "%" if value_type == ValueType.PERCENT else text


@register.filter
def vn_date(value: date | None) -> str:
    """dd/mm/yyyy; a missing date gives the en dash."""
    if not value:
        return MISSING
    return f"{value:%d/%m/%Y}"


@register.filter
def period_label(value: object) -> str:
    """'2024' → 'Năm 2024', '2024Q3' → 'Quý III/2024', '2024-07' → 'Tháng 7/2024' (English when active)."""
    try:
        period = value if isinstance(value, Period) else Period.parse(str(value))
    except PeriodError:
        return str(value)
    return period_words(period)


@register.filter
def qualifier_word(value: str) -> str:
    """The word written before a qualified number: gần, hơn, không quá (English: about, over, at most);
    nothing when exact."""
    try:
        qualifier = Qualifier(value)
    except ValueError:
        return ""
    return QUALIFIER_EN[qualifier] if _lang() == "en" else QUALIFIER_WORDS[qualifier]


@register.filter
def name_of(obj: object) -> str:
    """An indicator's, pillar's or data element's name in the page language."""
    return name_in_page_language(obj)


@register.filter
def status_label(status: object) -> str:
    """A progress status (engine.progress.Status) in the page language."""
    from chiso.engine.progress import Status

    try:
        found = Status(str(status))
    except ValueError:
        return str(status)
    return found.en if _lang() == "en" else found.vi


def indicator_decimals(indicator: object) -> int | None:
    """Counts show as whole numbers (133.713); rates and averages with the indicator's decimals."""
    if getattr(indicator, "kind", "") == "count":
        return None
    return int(getattr(indicator, "decimals", 1) or 0)


@register.filter
def ind_value(value: object, indicator: object) -> str:
    """A computed value of ``indicator``: 91,5% for a rate, 133.713 for a count."""
    number = _number(value)
    if number is None:
        return MISSING
    decimals = indicator_decimals(indicator)
    if getattr(indicator, "unit_of_measure", "") == "%":
        return format_percent(number, decimals or 0, _lang())
    return format_number(number, decimals, _lang())


@register.filter
def ind_change(value: object, indicator: object) -> str:
    """A change with its sign: +1,2 điểm % for a rate, +1.024 for a count; 0 when unchanged."""
    number = _number(value)
    if number is None:
        return MISSING
    decimals = indicator_decimals(indicator)
    text = format_number(abs(Decimal(str(number))), decimals, _lang())
    sign = "+" if number > 0 else ("−" if number < 0 else "±")
    if getattr(indicator, "unit_of_measure", "") == "%":
        return f"{sign}{text} {'pp' if _lang() == 'en' else 'điểm %'}"
    return f"{sign}{text}"


QUALIFIER_EN = {Qualifier.EXACT: "", Qualifier.APPROXIMATE: "about", Qualifier.AT_LEAST: "over",
                Qualifier.AT_MOST: "at most"}

# What the catalogue's coded fields say in English (the Vietnamese is each model's choice label).
CHOICES_EN: dict[str, dict[str, str]] = {
    "kind": {"rate": "Rate", "count": "Count", "average": "Average", "score": "Score",  # indicators
             "unchanged": "Unchanged", "merge": "Merged (whole)", "split_part": "Split (part)",  # successions
             "rename": "Renamed, level changed"},
    "direction": {"up": "Higher is better", "down": "Lower is better"},
    "over_time": {"flow": "Flow within the period (summed)", "stock": "Level at a date (last value of the period)"},
    "over_hierarchy": {"sum": "Summed over units", "none": "Not summed (rates, scores)"},
    "value_type": {"integer": "Whole number", "number": "Decimal number", "percent": "Percentage",
                   "score": "Score"},
    "type": {"quoc_gia": "Country", "thanh_pho_tw": "Centrally governed city", "tinh": "Province",
             "quan": "Urban district", "huyen": "Rural district", "thi_xa": "Town",
             "thanh_pho_thuoc_tinh": "Provincial city", "phuong": "Ward", "xa": "Commune",
             "thi_tran": "Township", "dac_khu": "Special zone", "thon": "Village",
             "to_dan_pho": "Residential group", "khu_dan_cu": "Residential area", "truong_hoc": "School",
             "co_so_y_te": "Health facility", "ban_quan_ly_cho": "Market board", "co_quan": "Agency"},
}
UOM_EN = {"tài khoản": "accounts", "doanh nghiệp": "enterprises", "danh mục": "catalogues", "hồ sơ": "dossiers",
          "lượt": "visits", "ngày": "days", "người": "people", "sản phẩm": "products", "tập dữ liệu": "datasets",
          "điểm": "points", "đơn vị": "units", "triệu đồng": "million VND", "hộ": "households", "tuyến": "streets",
          "tổ": "teams", "chương trình": "programmes", "di tích": "heritage sites", "khu": "areas",
          "buổi": "sessions"}
GROUP_EN = {"phường": "wards", "xã": "communes", "đơn vị": "units", "quận": "districts", "huyện": "districts",
            "đặc khu": "special zones"}


@register.filter
def shown(obj: object, field: str) -> str:
    """A coded field's label in the page language: ``{{ indicator|shown:"kind" }}`` → Số lượng / Count."""
    value = str(getattr(obj, field, "") or "")
    if _lang() == "en" and value in CHOICES_EN.get(field, {}):
        return CHOICES_EN[field][value]
    display = getattr(obj, f"get_{field}_display", None)
    return str(display()) if callable(display) else value


@register.filter
def group_word(group: object) -> str:
    """A ranking's group ("phường", "xã", "đơn vị") in the page language."""
    text = str(group)
    return GROUP_EN.get(text, text) if _lang() == "en" else text


@register.filter
def rank_label(ranked: object) -> str:
    """"43/94 phường" (English: "43/94 wards"); empty without a rank."""
    rank = getattr(ranked, "rank", None)
    if rank is None:
        return ""
    return f"{rank}/{getattr(ranked, 'count', '')} {group_word(getattr(ranked, 'group', ''))}"


@register.filter
def uom(indicator: object) -> str:
    """The unit of measure written after a count ("tài khoản", English "accounts"); nothing for a percentage."""
    text = str(getattr(indicator, "unit_of_measure", "") or "")
    if text == "%":
        return ""
    return UOM_EN.get(text, text) if _lang() == "en" else text


@register.filter
def uom_full(indicator: object) -> str:
    """The unit of measure as the catalogue writes it, "%" included, in the page language."""
    text = str(getattr(indicator, "unit_of_measure", "") or "")
    return UOM_EN.get(text, text) if _lang() == "en" else text


@register.filter
def month_label(value: object) -> str:
    """'2025-12' → '12/2025' (Vietnamese and English alike)."""
    try:
        period = value if isinstance(value, Period) else Period.parse(str(value))
    except PeriodError:
        return str(value)
    return f"{period.start.month:02d}/{period.year}" if period.month else str(period)


@register.filter
def get_item(mapping: object, key: object) -> object:
    """``{{ charts|get_item:code }}``: a dict's value by key, or nothing."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
