"""``chiso opendata count --user U --period YYYY-MM``: write the number of published open datasets as the
city's figure of CQS-20 (``opendata.actions.do_record_dataset_count``), with the named user's permissions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.engine.periods import Period, PeriodError, PeriodKind
from chiso.opendata.actions import COUNT_CODE, CountError, do_record_dataset_count
from chiso.values.actions import ValueWriteError


class Command(BaseCommand):
    help = "Dữ liệu mở: ghi số tập dữ liệu mở đã công bố vào chỉ tiêu CQS-20 của thành phố."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="thao tác")
        count = sub.add_parser("count", help=f"Đếm tập dữ liệu mở đã công bố và ghi vào {COUNT_CODE} của thành phố")
        count.add_argument("--user", required=True, help="Ghi với quyền của người dùng này (bắt buộc)")
        count.add_argument("--period", required=True, help="Tháng, dạng YYYY-MM (ví dụ 2024-12)")

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["user"]).strip()
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có người dùng '{username}'.") from None
        text = str(options["period"]).strip()
        try:
            period = Period.parse(text)
        except PeriodError:
            period = None
        if period is None or period.kind != PeriodKind.MONTH:
            raise CommandError(f"--period '{text}': cần một tháng dạng YYYY-MM, ví dụ 2024-12.")
        try:
            count, result = do_record_dataset_count(period, acting_user=user)
        except (CountError, ValueWriteError) as refused:
            raise CommandError(f"Không ghi: {refused}") from None
        changed = "đã ghi" if result.created or result.changed else "không đổi"
        self.stdout.write(f"{COUNT_CODE} của thành phố, kỳ {period}: {count} tập dữ liệu mở ({changed}).")
