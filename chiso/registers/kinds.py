"""The kinds of register, their attributes and the figures their counts feed: data, read by every channel.

A register (sổ theo dõi) holds the real things behind a figure: the markets behind "12/12 chợ thanh toán không dùng
tiền mặt", the public schools behind "36/36", the OCOP products behind "13, of which 5 on Postmart/Shopee". Each
kind below says what an entry records (its attributes, with their type and the Vietnamese label people see),
whether its entries are public (facilities and products a ward shows anyone) or read only by whoever may read the
unit's unpublished figures (the households without a smartphone, counted per thôn), and which data elements its
counts feed (``Feed``: a count or a sum over the entries that match a condition). Pure Python, no Django.

>>> MARKET.parse("cashless", "có"), MARKET.parse("traders", "1.889")
(True, 1889)
>>> [f.element for f in MARKET.feeds]
['KTS-11.MS', 'KTS-11.TS', 'TIEUTHUONG-PM']
>>> MARKET.feeds[1].value([{"cashless": True}, {"cashless": False}, {"cashless": True}])
2
>>> MARKET.describe(MARKET.feeds[1]), OCOP.describe(OCOP.feeds[1])
('số chợ có thanh toán không dùng tiền mặt: có', 'số sản phẩm có ghi sàn thương mại điện tử')
>>> OCOP.parse("platforms", "Postmart; Shopee;  ")
['Postmart', 'Shopee']
>>> OCOP.parse("stars", "6")
Traceback (most recent call last):
...
chiso.registers.kinds.AttributeFault: số sao OCOP từ 3 đến 5 (đang ghi 6)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from chiso.engine.numbers import NumberFormatError, parse_number

YES = ("có", "co", "yes", "x", "1", "true")
NO = ("không", "khong", "no", "0", "false", "")
MAX_COUNT = 10_000_000  # no register attribute counts more (traders of a market, households of a thôn)
LONGEST_TEXT = 200
Value = bool | int | str | list[str] | None


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class AttributeFault(ValueError):
    """A value an attribute cannot hold; the message says what is allowed, in Vietnamese."""


@dataclass(frozen=True)
class Attribute:
    code: str
    label: str  # Vietnamese, as column heading and on pages
    type: str  # yes_no | integer | choice | text | list
    choices: tuple[tuple[str, str], ...] = ()  # (stored code, Vietnamese label)
    required: bool = False
    low: int = 0
    high: int = MAX_COUNT

    @property
    def lowered(self) -> str:
        """The label inside a sentence: 'số sao OCOP' (only the first letter lowered)."""
        return lower_first(self.label)

    def parse(self, raw: object) -> Value:
        """A value as typed (a cell, a form field, JSON) → as stored; AttributeFault when it cannot be."""
        if isinstance(raw, str):
            raw = raw.replace("\x00", "").strip()  # PostgreSQL stores no NUL in text or JSON
        if raw is None or raw == "" or raw == []:
            if self.required:
                raise AttributeFault(f"cần ghi {self.lowered}")
            return [] if self.type == "list" else None
        if self.type == "yes_no":
            return self._yes_no(raw)
        if self.type == "integer":
            return self._integer(raw)
        if self.type == "choice":
            return self._choice(raw)
        if self.type == "list":
            items = raw if isinstance(raw, list) else str(raw).split(";")
            kept = [str(item).replace("\x00", "").strip()[:LONGEST_TEXT] for item in items
                    if str(item).replace("\x00", "").strip()]
            if len(kept) > 20:
                raise AttributeFault(f"{self.lowered}: nhiều nhất 20 mục, cách nhau bằng dấu ';'")
            if self.required and not kept:
                raise AttributeFault(f"cần ghi {self.lowered}")
            return kept
        text = str(raw).replace("\x00", "")
        if len(text) > LONGEST_TEXT:
            raise AttributeFault(f"{self.lowered} dài quá {LONGEST_TEXT} ký tự")
        return text

    def _yes_no(self, raw: object) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().casefold()
        if text in YES:
            return True
        if text in NO:
            return False
        raise AttributeFault(f"'{raw}' không hợp lệ — ghi 'có' hoặc 'không'")

    def _integer(self, raw: object) -> int:
        if isinstance(raw, bool):
            raise AttributeFault(f"{self.lowered} phải là số nguyên")
        try:
            number = raw if isinstance(raw, (int, Decimal)) else (
                Decimal(repr(raw)) if isinstance(raw, float) else parse_number(str(raw)))
        except (NumberFormatError, InvalidOperation, ValueError):
            raise AttributeFault(f"'{raw}' không phải số nguyên (ví dụ 1.889)") from None
        if isinstance(number, Decimal) and not number.is_finite():
            raise AttributeFault(f"'{raw}' không phải số nguyên (ví dụ 1.889)")
        if isinstance(number, Decimal) and number.adjusted() >= len(str(self.high)):  # no 10**999999999 in memory
            raise AttributeFault(self._range(raw))
        if isinstance(number, Decimal) and number != number.to_integral_value():
            raise AttributeFault(f"{self.lowered} phải là số nguyên (đang ghi {raw})")
        value = int(number)
        if not self.low <= value <= self.high:
            raise AttributeFault(self._range(raw))
        return value

    def _range(self, raw: object) -> str:
        return f"{self.lowered} từ {self.low} đến {self.high:,} (đang ghi {raw})".replace(",", ".")

    def _choice(self, raw: object) -> str:
        text = str(raw).strip()
        for code, label in self.choices:
            if text.casefold() in (code.casefold(), label.casefold()):
                return code
        allowed = ", ".join(f"'{label}'" for _, label in self.choices)
        raise AttributeFault(f"'{raw}' không hợp lệ — ghi một trong: {allowed}")

    def show(self, value: Value) -> str:
        """The stored value as people read it ('có', 'Công lập', 'Postmart; Shopee', '1.889')."""
        if value is None or value == []:
            return ""
        if self.type == "yes_no":
            return "có" if value else "không"
        if self.type == "integer":
            return f"{value:,}".replace(",", ".")
        if self.type == "choice":
            return dict(self.choices).get(str(value), str(value))
        if self.type == "list":
            return "; ".join(value) if isinstance(value, list) else str(value)
        return str(value)


@dataclass(frozen=True)
class Feed:
    """A data element written from a register's entries on a unit: how many match ``where`` (``count``), or the
    sum of ``attribute`` over them (``sum``). ``where`` pairs an attribute with the stored value it must have;
    the value ``NONEMPTY`` means any value (a platform listed, a technology named)."""

    element: str
    where: tuple[tuple[str, object], ...] = ()
    sum_of: str = ""

    def matches(self, attributes: Mapping[str, Value]) -> bool:
        for name, wanted in self.where:
            value = attributes.get(name)
            if wanted is NONEMPTY:
                if value in (None, "", [], False):
                    return False
            elif value != wanted:
                return False
        return True

    def value(self, entries: Sequence[Mapping[str, Value]]) -> int:
        matching = [a for a in entries if self.matches(a)]
        if self.sum_of:
            total = 0
            for attributes in matching:
                value = attributes.get(self.sum_of)
                total += value if isinstance(value, int) and not isinstance(value, bool) else 0
            return total
        return len(matching)


NONEMPTY = object()


@dataclass(frozen=True)
class Kind:
    code: str  # in addresses and files
    label: str  # "Chợ"
    entry_label: str  # what one entry is called: "chợ", "trường", "sản phẩm"
    public: bool
    attributes: tuple[Attribute, ...]
    feeds: tuple[Feed, ...]
    note: str = ""
    not_more_than: tuple[tuple[str, str], ...] = field(default=())  # (attribute, attribute it may not exceed)

    @property
    def lowered(self) -> str:
        return lower_first(self.label)

    def attribute(self, code: str) -> Attribute:
        for attribute in self.attributes:
            if attribute.code == code:
                return attribute
        raise KeyError(code)

    def parse(self, code: str, raw: object) -> Value:
        return self.attribute(code).parse(raw)

    def describe(self, feed: Feed) -> str:
        """How a fed figure is made, in words: 'số chợ có thanh toán không dùng tiền mặt: có'."""
        head = f"tổng {self.attribute(feed.sum_of).lowered}" if feed.sum_of else f"số {self.entry_label}"
        conditions = [f"có ghi {self.attribute(name).lowered}" if wanted is NONEMPTY
                      else f"có {self.attribute(name).lowered}: {self.attribute(name).show(wanted)}"  # type: ignore[arg-type]
                      for name, wanted in feed.where]
        return " ".join([head, ", ".join(conditions)]) if conditions else head

    def check(self, attributes: Mapping[str, Value]) -> list[tuple[str, str]]:
        """(attribute, fault) for the rules across attributes of one entry."""
        faults = []
        for smaller, larger in self.not_more_than:
            a, b = attributes.get(smaller), attributes.get(larger)
            if isinstance(a, int) and isinstance(b, int) and a > b:
                faults.append((smaller, f"{self.attribute(smaller).lowered} ({a}) không được lớn hơn "
                                        f"{self.attribute(larger).lowered} ({b})"))
        return faults


YES_NO = "yes_no"
MARKET = Kind(
    "cho", "Chợ", "chợ", True,
    (Attribute("cashless", "Thanh toán không dùng tiền mặt", YES_NO, required=True),
     Attribute("traders", "Số hộ tiểu thương", "integer"),
     Attribute("traders_in_database", "Số hộ tiểu thương trong phần mềm quản lý chuyên ngành", "integer")),
    (Feed("KTS-11.MS"), Feed("KTS-11.TS", where=(("cashless", True),)),
     Feed("TIEUTHUONG-PM", sum_of="traders_in_database")),
    not_more_than=(("traders_in_database", "traders"),),
)
SCHOOL = Kind(
    "truong", "Trường học", "trường", True,
    (Attribute("ownership", "Loại hình", "choice", (("cong_lap", "Công lập"), ("ngoai_cong_lap", "Ngoài công lập")),
               required=True),
     Attribute("level", "Cấp học", "choice", (("mam_non", "Mầm non"), ("tieu_hoc", "Tiểu học"),
                                              ("thcs", "Trung học cơ sở"), ("thpt", "Trung học phổ thông"))),
     Attribute("cashless_fees", "Thu học phí không dùng tiền mặt", YES_NO, required=True)),
    (Feed("XHS-15.MS", where=(("ownership", "cong_lap"),)),
     Feed("XHS-15.TS", where=(("ownership", "cong_lap"), ("cashless_fees", True)))),
    note="Chỉ tiêu XHS-15 đếm trường công lập; trường ngoài công lập được theo dõi nhưng không tính vào.",
)
HEALTH = Kind(
    "co-so-y-te", "Cơ sở khám chữa bệnh", "cơ sở", True,
    (Attribute("facility_type", "Loại cơ sở", "choice", (("tram_y_te", "Trạm y tế"), ("phong_kham", "Phòng khám"),
                                                       ("benh_vien", "Bệnh viện"))),
     Attribute("cashless", "Thanh toán không dùng tiền mặt", YES_NO, required=True)),
    (Feed("XHS-16.MS"), Feed("XHS-16.TS", where=(("cashless", True),))),
)
OCOP = Kind(
    "ocop", "Sản phẩm OCOP", "sản phẩm", True,
    (Attribute("producer", "Chủ thể sản xuất", "text"),
     Attribute("stars", "Số sao OCOP", "integer", low=3, high=5),
     Attribute("platforms", "Sàn thương mại điện tử", "list")),
    (Feed("OCOP"), Feed("OCOP-TMDT", where=(("platforms", NONEMPTY),)),
     Feed("KTS-10", where=(("platforms", NONEMPTY),))),
    note="Sản phẩm có ít nhất một sàn được tính vào số sản phẩm OCOP trên sàn thương mại điện tử (OCOP-TMDT). "
         "Chỉ tiêu KTS-10 đếm cả sản phẩm OCOP lẫn hộ kinh doanh trên sàn: sổ chỉ ghi KTS-10 khi đơn vị giữ cả sổ "
         "hộ kinh doanh trên sàn thương mại điện tử (KTS-10 = hai số cộng lại).",
)
BUSINESS_ONLINE = Kind(
    "ho-kinh-doanh-tmdt", "Hộ kinh doanh trên sàn thương mại điện tử", "hộ kinh doanh", False,
    (Attribute("business_line", "Ngành hàng", "text"),
     Attribute("platforms", "Sàn thương mại điện tử", "list", required=True)),
    (Feed("KTS-10", where=(("platforms", NONEMPTY),)),),
    note="Chỉ tiêu KTS-10 = số sản phẩm OCOP trên sàn (sổ Sản phẩm OCOP) + số hộ kinh doanh trên sàn (sổ này); sổ chỉ "
         "ghi KTS-10 khi đơn vị giữ cả hai sổ. Tên hộ kinh doanh chỉ cán bộ của đơn vị và cấp trên xem được.",
)
HERITAGE = Kind(
    "di-tich", "Di tích được số hóa", "di tích", True,
    (Attribute("rank", "Cấp di tích", "choice", (("quoc_gia", "Quốc gia"), ("thanh_pho", "Thành phố")),
               required=True),
     Attribute("technology", "Công nghệ số hóa", "text")),
    (Feed("DT-SOHOA", where=(("rank", "quoc_gia"), ("technology", NONEMPTY))),),
)
STREET = Kind(
    "tuyen-pho", "Tuyến phố, tuyến đường không dùng tiền mặt", "tuyến", True,
    (Attribute("street_type", "Loại tuyến", "choice", (("pho_chuyen_doanh", "Tuyến phố chuyên doanh"),
                                                       ("tuyen_duong", "Tuyến đường")), required=True),),
    (Feed("TP-KDTM", where=(("street_type", "pho_chuyen_doanh"),)),
     Feed("TD-KDTM", where=(("street_type", "tuyen_duong"),))),
)
HOUSEHOLDS = Kind(
    "ho-chua-co-dtdm", "Hộ chưa có điện thoại thông minh (theo thôn)", "thôn", False,
    (Attribute("ethnic_group", "Dân tộc", "choice", (("co_tu", "Cơ tu"), ("kinh", "Kinh"), ("khac", "Khác"))),
     Attribute("households", "Số hộ", "integer", required=True),
     Attribute("without_smartphone", "Số hộ chưa có điện thoại thông minh", "integer", required=True)),
    (Feed("HO-COTU", where=(("ethnic_group", "co_tu"),), sum_of="households"),
     Feed("HO-COTU-KDTTM", where=(("ethnic_group", "co_tu"),), sum_of="without_smartphone")),
    note="Một mục là số đếm của một thôn, không có tên hộ. Chỉ cán bộ của đơn vị và cấp trên xem được.",
    not_more_than=(("without_smartphone", "households"),),
)
KINDS: dict[str, Kind] = {k.code: k for k in (MARKET, SCHOOL, HEALTH, OCOP, HERITAGE, STREET, HOUSEHOLDS,
                                              BUSINESS_ONLINE)}
FED = sorted({feed.element for kind in KINDS.values() for feed in kind.feeds})
"""Every data element some register writes."""
FEEDERS: dict[str, tuple[tuple[Kind, Feed], ...]] = {
    element: tuple((kind, feed) for kind in KINDS.values() for feed in kind.feeds if feed.element == element)
    for element in FED}
"""For each fed element, every (register, feed) that adds to it. An element fed by several registers (KTS-10: OCOP
products on e-commerce + business households on e-commerce) is their sum, written only for a unit that keeps every
one of them (``registers.counts``): one register alone would pass half the figure for the whole.

>>> [(k.code, f.element) for k, f in FEEDERS["KTS-10"]]
[('ocop', 'KTS-10'), ('ho-kinh-doanh-tmdt', 'KTS-10')]
>>> [e for e, feeders in FEEDERS.items() if len(feeders) > 1]
['KTS-10']
"""


def sharing(kind: Kind) -> list[Kind]:
    """``kind`` and the other registers that feed an element with it, ``kind`` first."""
    found = [kind]
    for feed in kind.feeds:
        for other, _ in FEEDERS[feed.element]:
            if other not in found:
                found.append(other)
    return found
