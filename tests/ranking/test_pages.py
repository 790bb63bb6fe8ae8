"""The ranking pages (/xep-hang/): who reads which round and scorecard, who may post what, and what the pages
show (ranks shared, Vietnamese numbers, the rank band, the evidence and the verdicts). On the small world:
quận Thanh Khê 2024 (unit ("2024", "491")) and its 10 phường, the round driven as tests/ranking/test_rounds.py
drives it."""

from __future__ import annotations

import pytest

from chiso.ranking.actions import RankingError
from chiso.ranking.queries import WHAT_IF_LIMIT, what_if
from tests.ranking.test_rounds import EVIDENCE, approver, card_of, files, method, round_  # noqa: F401


def test_what_if_checks_every_value_and_how_many(round_):  # noqa: F811
    card = card_of(round_, "20221")
    with pytest.raises(RankingError) as refused:
        what_if(round_, card, {"NTS-1": "bốn"})
    assert (refused.value.field, refused.value.message) == ("NTS-1", "NTS-1: 'bốn' không phải một số hữu hạn "
                                                                      "(viết 91,5 hoặc 4).")
    with pytest.raises(RankingError, match="'KHONG-CO' không phải thành phần được chấm của Phường Thạc Gián"):
        what_if(round_, card, {"KHONG-CO": "1"})
    with pytest.raises(RankingError, match=f"tối đa {WHAT_IF_LIMIT} thành phần"):
        what_if(round_, card, {f"X{i}": "1" for i in range(WHAT_IF_LIMIT + 1)})
    assert what_if(round_, card, {"NTS-1": "2"}).score.components["NTS-1"] == 10.0
