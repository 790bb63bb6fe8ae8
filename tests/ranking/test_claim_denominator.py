"""A claim's denominator given as a Decimal is that number, not its text read the Vietnamese way
(Decimal("1.234") is 1,234, never 1.234 = 1234); text is read the Vietnamese way ("1.234" is 1234)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.ranking.actions import RankingError, do_claim
from tests.ranking import world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("given", "stored"), [(Decimal("1.234"), Decimal("1.234")), ("1.234", Decimal("1234")),
                                               ("1,5", Decimal("1.5"))])
def test_a_denominator_is_the_number_given(tmp_path, city_admin, given, stored):
    round_ = world.open_round(world.load_method(tmp_path, city_admin), city_admin)
    claim = do_claim(world.card(round_, world.THAC_GIAN), "HT-1", "1", denominator=given, acting_user=city_admin,
                     evidence_link="https://danang.gov.vn/bc")
    claim.refresh_from_db()
    assert claim.claimed_denominator == stored


def test_a_denominator_that_is_not_a_finite_positive_number_is_refused(tmp_path, city_admin):
    round_ = world.open_round(world.load_method(tmp_path, city_admin), city_admin)
    for bad in (Decimal("NaN"), Decimal("-1"), "0"):
        with pytest.raises(RankingError) as refused:
            do_claim(world.card(round_, world.THAC_GIAN), "HT-1", "1", denominator=bad, acting_user=city_admin,
                     evidence_link="https://danang.gov.vn/bc")
        assert (refused.value.status, refused.value.field) == (400, "denominator")
