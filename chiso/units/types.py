"""Kinds of unit, their level in the tree, and the names offices write for them."""

from __future__ import annotations

from functools import cache

from django.db import models


class UnitType(models.TextChoices):
    COUNTRY = "quoc_gia", "Quốc gia"
    CITY = "thanh_pho_tw", "Thành phố trực thuộc trung ương"
    PROVINCE = "tinh", "Tỉnh"
    URBAN_DISTRICT = "quan", "Quận"
    RURAL_DISTRICT = "huyen", "Huyện"
    TOWN = "thi_xa", "Thị xã"
    PROVINCIAL_CITY = "thanh_pho_thuoc_tinh", "Thành phố thuộc tỉnh"
    WARD = "phuong", "Phường"
    COMMUNE = "xa", "Xã"
    TOWNLET = "thi_tran", "Thị trấn"
    SPECIAL_ZONE = "dac_khu", "Đặc khu"
    HAMLET = "thon", "Thôn"
    RESIDENTIAL_GROUP = "to_dan_pho", "Tổ dân phố"
    RESIDENTIAL_AREA = "khu_dan_cu", "Khu dân cư"
    SCHOOL = "truong_hoc", "Trường học"
    HEALTH_CENTRE = "co_so_y_te", "Cơ sở y tế"
    MARKET_BOARD = "ban_quan_ly_cho", "Ban quản lý chợ"
    AGENCY = "co_quan", "Cơ quan, đơn vị"


ENGLISH: dict[str, str] = {
    UnitType.COUNTRY: "country",
    UnitType.CITY: "centrally governed city",
    UnitType.PROVINCE: "province",
    UnitType.URBAN_DISTRICT: "urban district",
    UnitType.RURAL_DISTRICT: "rural district",
    UnitType.TOWN: "town",
    UnitType.PROVINCIAL_CITY: "provincial city",
    UnitType.WARD: "ward",
    UnitType.COMMUNE: "commune",
    UnitType.TOWNLET: "township",
    UnitType.SPECIAL_ZONE: "special zone",
    UnitType.HAMLET: "village",
    UnitType.RESIDENTIAL_GROUP: "residential group",
    UnitType.RESIDENTIAL_AREA: "residential area",
    UnitType.SCHOOL: "school",
    UnitType.HEALTH_CENTRE: "health facility",
    UnitType.MARKET_BOARD: "market management board",
    UnitType.AGENCY: "agency",
}
"""A kind of unit in English, lower case, one of them ("ward"), for English sentences about one unit."""


@cache  # asked for every figure outside its usual range (an import may have thousands)
def kind_word(unit_type: str) -> str:
    """'phường', 'xã', 'tổ dân phố': the word for a kind of unit as a sentence says it ("đơn vị" for an unknown one).

    >>> kind_word("phuong"), kind_word("to_dan_pho"), kind_word("?")
    ('phường', 'tổ dân phố', 'đơn vị')
    """
    return UnitType(unit_type).label.lower() if unit_type in UnitType.values else "đơn vị"


def kind_word_en(unit_type: str) -> str:
    """``kind_word`` in English: 'ward', 'residential group' ("unit" for an unknown one)."""
    return ENGLISH.get(unit_type, "unit")

# Depth in the administrative tree. Agencies (schools, markets, …) have no level of their own:
# they sit under whichever unit they report to, one step below it.
LEVEL = {
    UnitType.COUNTRY: 0,
    UnitType.CITY: 1,
    UnitType.PROVINCE: 1,
    UnitType.URBAN_DISTRICT: 2,
    UnitType.RURAL_DISTRICT: 2,
    UnitType.TOWN: 2,
    UnitType.PROVINCIAL_CITY: 2,
    UnitType.WARD: 3,
    UnitType.COMMUNE: 3,
    UnitType.TOWNLET: 3,
    UnitType.SPECIAL_ZONE: 3,
    UnitType.HAMLET: 4,
    UnitType.RESIDENTIAL_GROUP: 4,
    UnitType.RESIDENTIAL_AREA: 4,
}
AGENCY_TYPES = frozenset(
    {UnitType.SCHOOL, UnitType.HEALTH_CENTRE, UnitType.MARKET_BOARD, UnitType.AGENCY}
)

# What the reference files write in their "type" column.
TYPE_BY_LABEL = {label.casefold(): value for value, label in UnitType.choices} | {
    "thành phố": UnitType.CITY,
    "đặc khu": UnitType.SPECIAL_ZONE,
}


def type_from_label(label: str) -> UnitType | None:
    """'Phường' → WARD; None when the label names no known type."""
    found = TYPE_BY_LABEL.get(label.strip().casefold())
    return UnitType(found) if found else None
