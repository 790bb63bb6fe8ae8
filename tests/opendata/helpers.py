"""What the open-data tests share: a figure written as the system, a report approved or reopened."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from chiso.collection.models import Form, Status, Submission
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel
from tests.conftest import unit

small_world_only = pytest.mark.skipif(os.environ.get("CHISO_TEST_WORLD", "small") != "small",
                                      reason="exact figures of the small world (the run starts from the demo)")
WARDS = ("20209", "20212", "20221")  # Xuân Hà, Tân Chính, Thạc Gián (2024)
MONTHS = ("2024-10", "2024-11", "2024-12")


def write(code: str, ward: str, period: str, value: str) -> None:
    """A figure written as the system (no report-state check): a draft until a report holding it is approved."""
    do_set_values([ValueEntry(DataElement.objects.get(code=code), unit("2024", ward), Period.parse(period),
                              Decimal(value))], acting_user=None, channel=Channel.CLI)


def report(ward: str, period: str, status: str, form: str = "BC-CDS-THANG-XA") -> Submission:
    from chiso.portal.queries import clear_memo

    submission, _ = Submission.objects.update_or_create(
        form=Form.objects.get(code=form), unit=unit("2024", ward), period=period, defaults={"status": status})
    clear_memo()  # the workflow's events move the data stamp the catalogue is memoised on; a status set here does not
    return submission


__all__ = ["MONTHS", "Status", "WARDS", "report", "small_world_only", "write"]
