"""``chiso registers carry --version V --user U``: after a new map version is loaded (``chiso units load``), move
the entries still on units of ended versions to their successors (``registers.actions.do_carry_entries``);
``chiso registers import FILE --user U``: apply a registers workbook, all rows or none."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.registers.actions import RegisterError, do_carry_entries
from chiso.registers.files import RegisterImportRefused, import_workbook
from chiso.units.models import HierarchyVersion
from chiso.values.models import Channel


class Command(BaseCommand):
    help = "Sổ theo dõi: chuyển mục theo sắp xếp đơn vị (carry), nhập tệp XLSX (import)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="thao tác")
        carry = sub.add_parser("carry", help="Chuyển các mục trên đơn vị đã hết hiệu lực sang đơn vị kế thừa")
        carry.add_argument("--version", required=True, help="Phiên bản danh mục mới, ví dụ 2025-07")
        carry.add_argument("--user", required=True, help="Quản trị viên thực hiện (bắt buộc)")
        imp = sub.add_parser("import", help="Nhập tệp XLSX sổ theo dõi: ghi tất cả hoặc không gì cả")
        imp.add_argument("file", type=Path, help="Tệp .xlsx (tải mẫu từ trang sổ theo dõi)")
        imp.add_argument("--user", required=True, help="Nhập với quyền của người dùng này (bắt buộc)")

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["user"]).strip()
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có người dùng '{username}'.") from None
        if options["action"] == "carry":
            version = HierarchyVersion.objects.filter(name=options["version"]).first()
            if version is None:
                raise CommandError(f"Không có phiên bản danh mục '{options['version']}'.")
            try:
                result = do_carry_entries(version, acting_user=user, channel=Channel.CLI)
            except RegisterError as error:
                raise CommandError(f"Không chuyển, chưa ghi gì: {error.message}") from None
            self.stdout.write(f"Đã chuyển {len(result.moved)} mục sang đơn vị kế thừa.")
            for entry, candidates in result.waiting:
                names = ", ".join(f"{u.name} ({u.code})" for u in candidates) or "không có đơn vị kế thừa"
                self.stdout.write(f"Chờ cán bộ chọn đơn vị: mục {entry.pk} '{entry.name}' của {entry.unit.name} "
                                  f"(tách thành: {names}).")
            return
        path = options["file"]
        assert isinstance(path, Path)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {path}: {error.strerror}.") from None
        try:
            done = import_workbook(content, acting_user=user, channel=Channel.CLI)
        except RegisterImportRefused as refused:
            raise CommandError(refused.summary + "\n" + "\n".join(refused.problems)) from None
        self.stdout.write(f"Đã nhập: {done.added} mục mới, {done.changed} mục sửa, {done.retired} mục thôi theo dõi, "
                          f"{done.unchanged} mục không đổi.")
