"""The review workflow of a report (form × unit × period). The one transition table is here.

    action    from                 to         who                                   needs
    submit    draft, returned      submitted  reporter of the unit (or admin)       no error; warnings explained
    recall    submitted            draft      reporter of the unit (or admin)       not yet reviewed
    approve   submitted            approved   approver of a level above (or admin)
    return    submitted            returned   approver of a level above (or admin)  a reason
    lock      approved             locked     admin
    reopen    approved, locked     returned   approver of a level above (or admin)  a reason

Every transition runs in one transaction and writes a ``SubmissionEvent``. A refusal says why in Vietnamese
and in English (``WorkflowError``); the pages pick with ``web.language.message_in_page_language``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from chiso.accounts.access import can_lock_unit, can_review_unit, can_write_unit
from chiso.collection.models import PUBLISHED, Form, Status, Submission, SubmissionEvent
from chiso.units.models import Unit
from chiso.values import hooks

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    allowed: Callable[[User, Unit], bool]
    needs_reason: bool = False
    label: str = ""
    verb_en: str = ""  # the action in an English sentence: "approve" (a report)


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({Status.DRAFT, Status.RETURNED}), Status.SUBMITTED, can_write_unit,
                         label="Gửi báo cáo", verb_en="submit"),
    "recall": Transition(frozenset({Status.SUBMITTED}), Status.DRAFT, can_write_unit, label="Rút lại để sửa",
                         verb_en="recall"),
    "approve": Transition(frozenset({Status.SUBMITTED}), Status.APPROVED, can_review_unit, label="Duyệt",
                          verb_en="approve"),
    "return": Transition(frozenset({Status.SUBMITTED}), Status.RETURNED, can_review_unit, needs_reason=True,
                         label="Trả lại", verb_en="return"),
    "lock": Transition(frozenset({Status.APPROVED}), Status.LOCKED, can_lock_unit, label="Khóa số liệu",
                       verb_en="lock"),
    "reopen": Transition(frozenset({Status.APPROVED, Status.LOCKED}), Status.RETURNED, can_review_unit,
                         needs_reason=True, label="Mở lại", verb_en="reopen"),
}

# A report's state in an English sentence (``Status``'s labels are the Vietnamese ones).
STATE_EN = {Status.DRAFT: "Draft", Status.SUBMITTED: "Submitted", Status.RETURNED: "Returned",
            Status.APPROVED: "Approved", Status.LOCKED: "Locked"}


class WorkflowError(Exception):
    """A transition that is not allowed, and why: ``message`` in Vietnamese, ``message_en`` in English;
    ``details``, after a refused submit, the rules broken (worded in Vietnamese only, by ``validation``).
    ``str()`` is the message and then the details, a line each (what the API answers)."""

    def __init__(self, message: str, message_en: str = "", details: Sequence[str] = (), status: int = 400) -> None:
        self.message, self.message_en, self.details = message, message_en, tuple(details)
        self.status = status  # what a channel answers: 403 not allowed, 409 not in this state, 400 the rest
        super().__init__("\n".join([message, *self.details]))


def transition_refusal(action: str, status: str, unit: Unit, acting_user: User) -> WorkflowError | None:
    """Why ``acting_user`` may not take ``action`` on a report of ``unit`` in ``status``, before anything else is
    asked (a reason, the rules of a submit); None when they may. ``do_transition`` raises it; a channel asks it
    first to answer without starting (the grid's confirmation of a submit, the API's status codes)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return WorkflowError(f"Thao tác '{action}' không tồn tại (có: {', '.join(TRANSITIONS)}).",
                             f"There is no action '{action}' (there are: {', '.join(TRANSITIONS)}).")
    verb, verb_en = transition.label.lower(), transition.verb_en
    if not transition.allowed(acting_user, unit):
        return WorkflowError(f"Bạn không có quyền '{verb}' báo cáo của {unit.name}.",
                             f"You are not allowed to {verb_en} the report of {unit.name}.", status=403)
    if status not in transition.sources:
        return WorkflowError(f"Không thể '{verb}' báo cáo đang ở trạng thái '{Status(status).label}'.",
                             f"Cannot {verb_en} a report in the state '{STATE_EN[Status(status)]}'.", status=409)
    return None


def submission_for(form: Form, unit: Unit, period: str) -> Submission:
    submission, _ = Submission.objects.get_or_create(form=form, unit=unit, period=period)
    return submission


@transaction.atomic
def do_transition(
    submission: Submission,
    action: str,
    *,
    acting_user: User,
    reason: str = "",
    explanations: dict[str, str] | None = None,
) -> Submission:
    """Move a report along the table above, or raise WorkflowError and change nothing."""
    submission = Submission.objects.select_for_update().select_related("unit", "form").get(pk=submission.pk)
    refused = transition_refusal(action, submission.status, submission.unit, acting_user)
    if refused is not None:
        raise refused
    transition = TRANSITIONS[action]
    verb, verb_en = transition.label.lower(), transition.verb_en
    if transition.needs_reason and not reason.strip():
        raise WorkflowError(f"Cần ghi lý do để '{verb}'.", f"Write a reason to {verb_en} the report.")
    if action == "submit":
        _check_before_submit(submission, explanations or {})
        submission.explanations = explanations or {}
    event = SubmissionEvent(submission=submission, action=action, from_status=submission.status,
                            to_status=transition.target, reason=reason,
                            by=acting_user if acting_user.is_authenticated else None)
    published_before = submission.status in PUBLISHED
    submission.status = transition.target
    submission.updated_by = event.by
    submission.save()
    event.save()
    if published_before != (submission.status in PUBLISHED):  # its figures became public, or stopped being
        hooks.figures_changed([[(element_id, submission.unit_id, submission.period) for element_id in
                                submission.form.form_elements.values_list("data_element_id", flat=True)]],
                              publication_only=True)
    return submission


def _check_before_submit(submission: Submission, explanations: dict[str, str]) -> None:
    from chiso.collection.validation import validate_submission

    violations = validate_submission(submission)
    errors = [v for v in violations if v.severity == "error"]
    if errors:
        raise WorkflowError("Chưa gửi được: còn lỗi.", "Not submitted yet: errors remain.",
                            [v.message for v in errors])
    unexplained = [v for v in violations if v.severity == "warning" and not explanations.get(v.rule, "").strip()]
    if unexplained:
        raise WorkflowError("Chưa gửi được: cần giải trình các cảnh báo.",
                            "Not submitted yet: the warnings need an explanation.", [v.message for v in unexplained])
