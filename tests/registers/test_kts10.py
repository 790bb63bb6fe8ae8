"""KTS-10 (OCOP products and business households on e-commerce) = OCOP products with a platform (register
``ocop``) + business households with a platform (register ``ho-kinh-doanh-tmdt``), written only for a unit that
keeps both registers: the OCOP register alone would pass half the figure for the whole."""

from __future__ import annotations

import pytest

from chiso.registers.actions import RegisterError, do_add_entry, do_change_entry, do_retire_entry
from chiso.registers.kinds import FEEDERS
from chiso.values.models import DataValue
from tests.conftest import unit
from tests.registers.conftest import AUGUST, MARCH, MAY
from tests.registers.helpers import mismatches, stored

pytestmark = pytest.mark.django_db
MONTHS = ("2026-03", "2026-04", "2026-05", "2026-07", "2026-08", "2026-12")


def kts10(ward) -> list[int | None]:  # type: ignore[no-untyped-def]
    return [stored("KTS-10", ward, m) for m in MONTHS]


def test_kts10_is_the_sum_of_both_registers_once_the_ward_keeps_both(officer_thanh_khe):
    ward = unit("2025-07", "20209")
    who = {"acting_user": officer_thanh_khe}
    online = do_add_entry("ocop", ward, "Chả bò", {"platforms": "Postmart"}, effective_on=MARCH, **who)
    offline = do_add_entry("ocop", ward, "Nước mắm", {"platforms": ""}, effective_on=MARCH, **who)
    assert [stored("OCOP-TMDT", ward, m) for m in MONTHS] == [1] * 6
    assert kts10(ward) == [None] * 6  # the ward does not keep the business households' register yet
    shop = do_add_entry("ho-kinh-doanh-tmdt", ward, "Hộ kinh doanh bánh khô mè", {"platforms": "Shopee; Lazada"},
                        effective_on=MAY, **who)
    assert kts10(ward) == [None, None, 2, 2, 2, 2]
    do_add_entry("ho-kinh-doanh-tmdt", ward, "Hộ kinh doanh hải sản khô", {"platforms": "Shopee"},
                 effective_on=AUGUST, **who)
    assert kts10(ward) == [None, None, 2, 2, 3, 3]
    do_change_entry(offline, attributes={"platforms": "Postmart"}, effective_on=AUGUST, **who)
    assert kts10(ward) == [None, None, 2, 2, 4, 4]
    assert [stored("OCOP-TMDT", ward, m) for m in MONTHS] == [1, 1, 1, 1, 2, 2]
    do_retire_entry(shop, reason="Ngừng bán trên sàn", effective_on=AUGUST, **who)
    do_retire_entry(online, reason="Hết hạn chứng nhận OCOP", effective_on=AUGUST, **who)
    assert kts10(ward) == [None, None, 2, 2, 2, 2]
    value = DataValue.objects.get(data_element__code="KTS-10", unit=ward, period="2026-08", is_deleted=False)
    assert value.source == ("Cộng các sổ theo dõi (chiso): sổ sản phẩm OCOP: 1 sản phẩm đang theo dõi; sổ hộ kinh "
                            "doanh trên sàn thương mại điện tử: 1 hộ kinh doanh đang theo dõi vào cuối tháng.")
    assert mismatches(MARCH) == []
    assert [k.code for k, _ in FEEDERS["KTS-10"]] == ["ocop", "ho-kinh-doanh-tmdt"]


def test_a_business_household_needs_a_platform(officer_thanh_khe):
    with pytest.raises(RegisterError) as refused:
        do_add_entry("ho-kinh-doanh-tmdt", unit("2025-07", "20209"), "Hộ A", {"platforms": " ; "},
                     acting_user=officer_thanh_khe, effective_on=MAY)
    assert (refused.value.field, refused.value.message) == (
        "platforms", "Sàn thương mại điện tử: cần ghi sàn thương mại điện tử.")


def test_the_page_says_when_kts10_is_not_fed_and_the_households_stay_private(client, officer_thanh_khe,
                                                                             officer_hai_chau):
    ward = unit("2025-07", "20209")
    do_add_entry("ocop", ward, "Chả bò", {"platforms": "Postmart"}, acting_user=officer_thanh_khe, effective_on=MARCH)
    client.force_login(officer_thanh_khe)
    page = client.get("/so-theo-doi/2025-07/20209/ocop/").content.decode()
    assert ("KTS-10 chưa được ghi từ sổ: đơn vị chưa giữ sổ hộ kinh doanh trên sàn thương mại điện tử." in page)
    assert "+ số hộ kinh doanh có ghi sàn thương mại điện tử của sổ hộ kinh doanh trên sàn thương mại điện tử" in page
    do_add_entry("ho-kinh-doanh-tmdt", ward, "Hộ B", {"platforms": "Shopee"}, acting_user=officer_thanh_khe,
                 effective_on=MAY)
    page = client.get("/so-theo-doi/2025-07/20209/ocop/").content.decode()
    i = page.index("KTS-10")
    assert "chưa được ghi từ sổ" not in page, page[i:i + 900]
    assert "Số sản phẩm OCOP và hộ kinh doanh trên sàn thương mại điện tử: <strong>2</strong>" in page
    assert "Hộ B" in client.get("/so-theo-doi/2025-07/20209/ho-kinh-doanh-tmdt/").content.decode()
    client.force_login(officer_hai_chau)
    assert client.get("/so-theo-doi/2025-07/20209/ho-kinh-doanh-tmdt/").status_code == 404
    other = client.get("/so-theo-doi/2025-07/20209/ocop/").content.decode()
    fed = other[other.index('class="feeds"'):other.index("</div>", other.index('class="feeds"'))]
    assert "<strong>–</strong>" in fed and "<strong>2</strong>" not in fed  # a draft figure: not another ward's
