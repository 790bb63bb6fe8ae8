"""``chiso validate``: run the validation rules over a unit's subtree for some periods, read-only."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.collection.validation import validate_subtree
from chiso.engine.periods import Period, PeriodError, periods_between
from chiso.units.models import HierarchyVersion, Unit

SEVERITY = {"error": "LỖI", "warning": "cảnh báo"}


def read_periods(text: str) -> list[Period]:
    """'2024-01,2024-02' or a range '2024-01..2024-06' (both ends included), or a mix of them."""
    found: list[Period] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if ".." in part:
            first, last = (Period.parse(x) for x in part.split("..", 1))
            found += periods_between(first, last)
        else:
            found.append(Period.parse(part))
    return found


class Command(BaseCommand):
    help = ("Kiểm tra số liệu đã lưu của một đơn vị và mọi đơn vị trực thuộc theo các quy tắc đang áp dụng; "
            "in từng vi phạm (đơn vị, kỳ, quy tắc). Chỉ đọc. Mã thoát 1 khi có lỗi (cảnh báo không tính).")

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: object) -> CommandParser:
        # --version names the hierarchy version here, as everywhere in chiso, not Django's version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Mã đơn vị gốc, ví dụ 491 (quận Thanh Khê, 2024)")
        parser.add_argument("--version", dest="hierarchy",
                            help="Phiên bản danh mục của mã đơn vị; mặc định phiên bản đang có hiệu lực")
        parser.add_argument("--periods", required=True,
                            help="Các kỳ, cách nhau bằng dấu phẩy: 2024-01,2024-02; hoặc khoảng 2024-01..2024-12")

    def handle(self, *args: object, **options: object) -> None:
        name = options["hierarchy"]
        version = (HierarchyVersion.objects.filter(name=name).first() if name
                   else HierarchyVersion.objects.filter(valid_to__isnull=True).order_by("-valid_from").first())
        if version is None:
            raise CommandError(f"Không có phiên bản danh mục '{name}'.", returncode=2)
        root = Unit.objects.filter(version=version, code=options["unit"]).first()
        if root is None:
            raise CommandError(f"Không có đơn vị mã {options['unit']} trong phiên bản {version.name}.", returncode=2)
        try:
            periods = read_periods(str(options["periods"]))
        except (PeriodError, ValueError) as error:
            raise CommandError(str(error), returncode=2) from None
        if not periods:
            raise CommandError("Cần ít nhất một kỳ trong --periods.", returncode=2)
        found = validate_subtree(root, periods)
        for v in found:
            self.stdout.write(f"{v.unit}\t{v.period}\t{v.rule}\t{SEVERITY.get(v.severity, v.severity)}\t{v.message}")
        errors = sum(1 for v in found if v.severity == "error")
        summary = (f"{root.name} ({root.code}, {version.name}) và các đơn vị trực thuộc, {len(periods)} kỳ: "
                   f"{errors} lỗi, {len(found) - errors} cảnh báo.")
        if errors:
            self.stderr.write(summary)
            raise SystemExit(1)
        self.stdout.write(summary)
