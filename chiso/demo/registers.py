"""The demo's registers: the real things behind quận Thanh Khê's 2024 figures, and illustrative entries around them.

Real, by name (``facts_danang.csv``): the two national relics digitised (nhà Mẹ Nhu; đình Thạc Gián, VR360) and
HTX Mây tre An Khê's product on Postmart, Shopee and Alibaba (nhà Mẹ Nhu's ward is the demo's guess, so that entry
is marked illustrative; the source does not say which technology digitised it). Real as counts: 12 markets, all cashless (12/12),
with 1.889 traders in the sector database; 36 public schools, all collecting fees cashless (36/36); 13 OCOP
products, 5 of them on e-commerce; 4 specialised cashless streets and 18 roads; in xã Hòa Bắc about 50 of 262
Cơ tu households without a smartphone before the 2023 donation. The entries behind those counts (their names,
which ward holds each, the split of households over two thôn) are made up: they are marked illustrative and
named "(minh họa)". Each ward's number of markets and schools is the demo's own illustrative December 2024 value
(``demo.builder``), so the registers write the figures the demo already shows.

Entries take effect on 1/12/2024 (the register opened then), so they write December 2024 only, on the 2024 map;
``registers.actions.do_carry_entries`` would move them to the 2025 wards (the demo does not, so its figures for
2025 stay the demo's series). Written as the system, through ``registers.actions`` like every entry.
"""

from __future__ import annotations

from datetime import date

from chiso.registers.actions import do_add_entry
from chiso.registers.models import Entry
from chiso.units.models import Unit
from chiso.values.models import Channel

OPENED = date(2024, 12, 1)
SOURCE = ("Bài báo \"Đẩy mạnh chuyển đổi số để phục vụ người dân, doanh nghiệp\" (Trần Trúc), số liệu quận Thanh Khê "
          "năm 2024")
THANH_KHE_WARDS = ("20203", "20206", "20207", "20209", "20212", "20215", "20218", "20221", "20224", "20225")
TRADERS_IN_DATABASE = 1889
RELICS = (("20221", "Đình Thạc Gián", "VR360", False),  # in phường Thạc Gián, as its name says
          ("20206", "Nhà Mẹ Nhu", "Số hóa", True))  # real relic; the ward it is placed on is the demo's guess
HTX = ("20224", "Sản phẩm mây tre đan — HTX Mây tre An Khê", "HTX Mây tre An Khê", "Postmart; Shopee; Alibaba")
OCOP_TOTAL, OCOP_ONLINE = 13, 5
STREETS, ROADS = 4, 18
HOA_BAC = "20293"
THON = (("Thôn Tà Lang (minh họa: chia số hộ giữa hai thôn)", 140, 27),
        ("Thôn Giàn Bí (minh họa: chia số hộ giữa hai thôn)", 122, 23))  # 262 households, ≈50 without a smartphone


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def ward_counts() -> dict[str, dict[str, int]]:
    """{ward code 2024: {element: the demo's December 2024 value}} for markets and schools of quận Thanh Khê."""
    from chiso.demo import builder

    series = builder.origin_series(builder.generated_elements())
    builder.apply_real_constraints(series)
    builder.clamp_numerators(series)
    at = builder.INDEX["2024-12"]
    return {code: {element: round(series[(f"2024/{code}", element)][at]) for element in ("KTS-11.MS", "XHS-15.MS")}
            for code in THANH_KHE_WARDS}


def add_registers(scope) -> dict[str, int]:  # type: ignore[no-untyped-def]  # demo.builder.Scope
    """Add the demo's register entries: the whole demo only (the test suite's small world, ``scope.wards`` set, stays
    as it was: its tests count its figures exactly)."""
    if scope.wards is not None:
        return {"register_entries": 0}
    made = set(Entry.objects.values_list("kind", "unit_id", "name"))  # by a smaller build before (the small world)
    wards = {u.code: u for u in Unit.objects.filter(version__name="2024", code__in=THANH_KHE_WARDS + (HOA_BAC,))
             .select_related("version")}
    taken = [code for code in THANH_KHE_WARDS if scope.takes(wards[code])]
    counts = ward_counts()

    def add(kind: str, code: str, name: str, attributes: dict[str, object], illustrative: bool = True,
            since: date = OPENED) -> None:
        if (kind, wards[code].pk, name) in made:
            return
        do_add_entry(kind, wards[code], name, attributes, acting_user=None, effective_on=since, channel=Channel.DEMO,
                     reason=SOURCE, is_illustrative=illustrative)

    markets = [(code, i) for code in THANH_KHE_WARDS for i in range(counts[code]["KTS-11.MS"])]
    traders = _split(TRADERS_IN_DATABASE, len(markets))
    for (code, i), in_database in zip(markets, traders, strict=True):
        if code in taken:
            add("cho", code, f"Chợ {wards[code].name.removeprefix('Phường ')} {i + 1} (minh họa)",
                {"cashless": True, "traders": in_database, "traders_in_database": in_database})
    for code in taken:
        for i in range(counts[code]["XHS-15.MS"]):
            add("truong", code, f"Trường công lập {i + 1} của {wards[code].name} (minh họa)",
                {"ownership": "cong_lap", "cashless_fees": True})
    for code, name, technology, placed in RELICS:
        if code in taken:
            add("di-tich", code, name, {"rank": "quoc_gia", "technology": technology}, illustrative=placed)
    ocop = [HTX] + [(THANH_KHE_WARDS[i % len(THANH_KHE_WARDS)], f"Sản phẩm OCOP {i} (minh họa)", "",
                     "Postmart" if i < OCOP_ONLINE else "") for i in range(1, OCOP_TOTAL)]
    for code, name, producer, platforms in ocop:
        if code in taken:
            add("ocop", code, name, {"producer": producer, "platforms": platforms}, illustrative=name != HTX[1])
    for i in range(STREETS + ROADS):
        code = THANH_KHE_WARDS[i % len(THANH_KHE_WARDS)]
        if code in taken:
            kind = "pho_chuyen_doanh" if i < STREETS else "tuyen_duong"
            label = "Tuyến phố chuyên doanh" if i < STREETS else "Tuyến đường"
            add("tuyen-pho", code, f"{label} {i + 1} (minh họa)", {"street_type": kind})
    if scope.takes(wards[HOA_BAC]):
        for name, households, without in THON:
            add("ho-chua-co-dtdm", HOA_BAC, name, {"ethnic_group": "co_tu", "households": households,
                                                   "without_smartphone": without}, since=date(2023, 8, 1))
    return {"register_entries": Entry.objects.count()}
