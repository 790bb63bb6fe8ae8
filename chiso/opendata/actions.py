"""The catalogue's one write: the count of published open datasets as the city's figure of CQS-20
("Số tập dữ liệu mở được công bố", a stock), through ``values.actions.do_set_values`` with the acting
user's permissions (a city administrator or who may write the city's figures)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from chiso.engine.periods import Period
from chiso.indicators.models import Indicator
from chiso.opendata.catalogue import city_units, datasets
from chiso.values.actions import ValueEntry, WriteResult, do_set_values
from chiso.values.models import Channel

COUNT_CODE = "CQS-20"
SOURCE = "Danh mục dữ liệu mở chiso"


class CountError(ValueError):
    """The count cannot be written; the message says why and what to do, in Vietnamese."""


def published_count(period: Period) -> tuple[int, bool]:
    """How many datasets of the catalogue cover a year up to ``period``'s, and whether one of them holds
    illustrative figures (then the count is labelled "minh họa" too)."""
    counted = [d for d in datasets() if d.year <= period.year]
    return len(counted), any(d.illustrative for d in counted)


def do_record_dataset_count(period: Period, *, acting_user: AbstractBaseUser,
                            channel: Channel = Channel.CLI) -> tuple[int, WriteResult]:
    """Write the count for ``period`` on the city unit valid at its end; refused (``CountError``, or
    ``values.actions.ValueWriteError`` from the one write path) with nothing written."""
    indicator = Indicator.objects.select_related("reported").filter(code=COUNT_CODE).first()
    if indicator is None:
        raise CountError(f"Danh mục chưa có chỉ tiêu {COUNT_CODE}: nạp danh mục chỉ tiêu (chiso indicators load).")
    city = next((u for u in reversed(city_units()) if u.version.covers(period.end)), None)
    if city is None:
        raise CountError(f"Không có thành phố trong danh mục đơn vị có hiệu lực cuối kỳ {period}.")
    count, illustrative = published_count(period)
    entry = ValueEntry(data_element=indicator.reported, unit=city, period=period, value=Decimal(count),
                       source=SOURCE, is_illustrative=illustrative)
    result = do_set_values([entry], acting_user=acting_user, channel=channel,
                           reason=f"Đếm tập dữ liệu mở đã công bố ({count})")
    return count, result
