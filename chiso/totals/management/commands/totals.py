"""``chiso totals rebuild [--check] [--fresh]``: make the roll-ups from the raw figures, or prove they equal them."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.totals.refresh import check, rebuild


class Command(BaseCommand):
    help = ("Tổng theo cấp (tổng các đơn vị trực thuộc, giữ mới trong từng lần ghi): dựng lại từ số liệu gốc "
            "(chiso totals rebuild) hoặc kiểm tra chúng bằng số tính lại (chiso totals rebuild --check).")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="thao tác")
        build = sub.add_parser("rebuild", help="Dựng lại mọi tổng theo cấp; lần chạy bị dừng thì chạy lại sẽ làm tiếp")
        build.add_argument("--check", action="store_true",
                           help="Không dựng: so từng tổng đã lưu với tổng tính lại từ số liệu gốc "
                                "(mã thoát 1 nếu lệch)")
        build.add_argument("--fresh", action="store_true", help="Dựng từ đầu, bỏ phần đã dựng của lần trước")

    def handle(self, *args: object, **options: object) -> None:
        if options["check"]:
            differences = check()
            if differences:
                raise CommandError("Tổng theo cấp lệch với số liệu gốc:\n" + "\n".join(differences))
            self.stdout.write(self.style.SUCCESS("Mọi tổng theo cấp khớp với số liệu gốc."))
            return
        done = rebuild(log=self.stdout.write if int(options["verbosity"]) > 1 else None,  # type: ignore[call-overload]
                       fresh=bool(options["fresh"]))
        self.stdout.write(self.style.SUCCESS(
            f"Đã dựng {done.rows:,} tổng ({done.nodes:,} đơn vị có cấp dưới × {done.measures} phép tính × "
            f"{done.periods} kỳ) trong {done.seconds:.1f} s.").replace(",", "."))
