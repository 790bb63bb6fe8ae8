"""``chiso plans import FILE --user U``: import a plan spreadsheet (CSV or XLSX), all rows or none, with the
named user's permissions (every write names a user; there is no anonymous plan import)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.plans.importer import COLUMNS, PlanImportRefused, import_plan
from chiso.values.models import Channel


class Command(BaseCommand):
    help = "Kế hoạch và chỉ tiêu: nhập tệp kế hoạch (chiso plans import TỆP --user TÊN)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="thao tác")
        imp = sub.add_parser("import", help="Nhập chỉ tiêu từ tệp CSV hoặc XLSX: ghi tất cả hoặc không gì cả",
                             description="Cột: " + ", ".join(label for label, _, _ in COLUMNS.values()) + ".")
        imp.add_argument("file", type=Path, help="Tệp .csv hoặc .xlsx")
        imp.add_argument("--user", required=True, help="Nhập với quyền của người dùng này (bắt buộc)")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        username = str(options["user"]).strip()
        if not username:
            raise CommandError("Cần --user: mọi thay đổi chỉ tiêu đều ghi tên người thực hiện.")
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có người dùng '{username}'.") from None
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {path}: {error.strerror}.") from None
        try:
            result = import_plan(path.name, content, acting_user=user, channel=Channel.CLI)
        except PlanImportRefused as refused:
            faults = "\n".join(p.text() for p in refused.problems)
            raise CommandError(f"Không nhập, chưa ghi gì ({len(refused.problems)} lỗi):\n{faults}") from None
        self.stdout.write(f"Đã nhập {result.name}: {result.written} chỉ tiêu mới hoặc thay đổi, "
                          f"{result.unchanged} không đổi.")
