"""The annual ranking round and its scorecards: the one transition table.

Round (``Round.status``):

    action     from              to               who                              needs
    verify     self_assessment   verification     admin of the round's scope       —
    council    verification      council          admin                            every scorecard verified
    approve    council           approved         admin (the council's decision)   decision number and date;
                                                                                   freezes the results
    publish    approved          published        admin                            —
    reopen     council, approved verification     admin                            a reason; drops the frozen results

Scorecard (``Scorecard.status``), while the round is at the step named:

    action     from        to          who                              round at          needs
    submit     draft       submitted   the unit (reporter) or admin     self_assessment   a claim for every
                                                                                          self-assessed component
    return     submitted   draft       verifier (approver above/admin)  self_assessment,  a reason
                                                                        verification
    verified   submitted   verified    verifier                         verification      a verdict on every claim

Opening a round (``do_open_round``) makes it at ``self_assessment`` with a draft scorecard per unit.
Every move is an action in ``ranking.actions``: one transaction, a ``RoundEvent`` or the scorecard's own
history, refusals in Vietnamese.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from chiso.accounts.access import can_decide_round, can_self_assess, can_verify_assessment
from chiso.ranking.models import RoundStatus, ScorecardStatus
from chiso.units.models import Unit

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str
    label: str
    allowed: Callable[[User, Unit], bool]
    needs_reason: bool = False
    round_at: frozenset[str] = frozenset()  # scorecard moves: the round steps they may happen at


ROUND_MOVES: dict[str, Move] = {
    "verify": Move(frozenset({RoundStatus.SELF_ASSESSMENT}), RoundStatus.VERIFICATION, "Chuyển sang thẩm định",
                   can_decide_round),
    "council": Move(frozenset({RoundStatus.VERIFICATION}), RoundStatus.COUNCIL, "Trình hội đồng", can_decide_round),
    "approve": Move(frozenset({RoundStatus.COUNCIL}), RoundStatus.APPROVED, "Phê duyệt kết quả", can_decide_round),
    "publish": Move(frozenset({RoundStatus.APPROVED}), RoundStatus.PUBLISHED, "Công bố", can_decide_round),
    "reopen": Move(frozenset({RoundStatus.COUNCIL, RoundStatus.APPROVED}), RoundStatus.VERIFICATION,
                   "Mở lại thẩm định", can_decide_round, needs_reason=True),
}

SCORECARD_MOVES: dict[str, Move] = {
    "submit": Move(frozenset({ScorecardStatus.DRAFT}), ScorecardStatus.SUBMITTED, "Gửi thẩm định", can_self_assess,
                   round_at=frozenset({RoundStatus.SELF_ASSESSMENT})),
    "return": Move(frozenset({ScorecardStatus.SUBMITTED}), ScorecardStatus.DRAFT, "Trả lại đơn vị",
                   can_verify_assessment, needs_reason=True,
                   round_at=frozenset({RoundStatus.SELF_ASSESSMENT, RoundStatus.VERIFICATION})),
    "verified": Move(frozenset({ScorecardStatus.SUBMITTED}), ScorecardStatus.VERIFIED, "Hoàn thành thẩm định",
                     can_verify_assessment, round_at=frozenset({RoundStatus.VERIFICATION})),
}
