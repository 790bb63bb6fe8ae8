"""The demo's rankings (issue 9, "Done when"): the published 2024 ranking of quận Thanh Khê's 10 phường under
the illustrative method, the 2025 round of today's 23 phường under QĐ 2386's groups (illustrative points) still
at self-assessment, and the public 2023 score of UBND quận Thanh Khê as a fact with its source."""

from __future__ import annotations

import pytest

from chiso.ranking.models import AssessmentHistory, PublishedScore, RankedUnit, Round, RoundStatus, Verdict

pytestmark = pytest.mark.demo


def test_the_2024_ranking_of_thanh_khe_is_published_with_every_step_on_record(db):
    round_ = Round.objects.get(year=2024, within__code="491", within__version__name="2024")
    assert (round_.status, round_.is_illustrative, round_.method.code) == (
        RoundStatus.PUBLISHED, True, "danang-2024-minh-hoa")
    results = list(RankedUnit.objects.filter(round=round_).select_related("unit").order_by("rank"))
    assert len(results) == 10
    assert [(r.rank, r.unit.name, str(r.total), r.grade) for r in results[:2]] == [
        (1, "Phường Thanh Khê Tây", "76.983", "khá"), (2, "Phường Tân Chính", "74.971", "khá")]
    assert [r.grade for r in results].count("trung bình khá") == 3
    assert all(r.band_low <= r.rank <= r.band_high for r in results)
    adjusted = AssessmentHistory.objects.filter(assessment__scorecard__round=round_, verdict=Verdict.ADJUSTED)
    assert adjusted.count() == 1 and adjusted.get().by.username == "pheduyet"
    assert list(round_.events.filter(action__in=["open", "verify", "council", "approve", "publish"])
                .values_list("action", flat=True)) == ["open", "verify", "council", "approve", "publish"]


def test_the_2025_round_waits_for_phuong_thanh_khe(db):
    round_ = Round.objects.get(year=2025, method__code="danang-2386")
    assert (round_.status, round_.scorecards.count()) == (RoundStatus.SELF_ASSESSMENT, 23)
    waiting = round_.scorecards.exclude(status="submitted").select_related("unit")
    assert [(c.unit.code, c.status, c.assessments.count()) for c in waiting] == [("20209", "draft", 0)]


def test_the_public_2023_score_is_a_fact_with_its_source(db):
    score = PublishedScore.objects.get(unit__code="491", year=2023)
    assert (str(score.total), score.grade, score.rank) == ("89.02", "tốt", None)
    assert "QĐ 2901/QĐ-UBND" in score.source
