from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.csvfiles import LoadError
from chiso.units.loaders import SUCCESSIONS_FILE, UNITS_FILE, VERSIONS_FILE, load_reference


class Command(BaseCommand):
    help = "Đơn vị hành chính. 'load': nạp phiên bản, đơn vị và kế thừa (cả nước + Đà Nẵng); lỗi thì không đổi gì."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Nạp danh mục đơn vị (tất cả hoặc không gì cả).")
        load.add_argument("--units", type=Path, default=UNITS_FILE, help="CSV đơn vị theo phiên bản")
        load.add_argument("--successions", type=Path, default=SUCCESSIONS_FILE, help="CSV kế thừa đơn vị")
        load.add_argument("--versions", type=Path, default=VERSIONS_FILE, help="CSV phiên bản danh mục")
        load.add_argument("--no-national", action="store_true",
                          help="Không nạp 34 tỉnh, 3.321 xã từ gói vietnamadminunits")

    def handle(self, *args: object, **options: object) -> None:
        try:
            counts = load_reference(
                units_file=options["units"], successions_file=options["successions"],  # type: ignore[arg-type]
                versions_file=options["versions"], national=not options["no_national"],  # type: ignore[arg-type]
            )
        except LoadError as error:
            raise CommandError("Không nạp được; cơ sở dữ liệu giữ nguyên.\n" + "\n".join(error.problems)) from None
        self.stdout.write(
            f"Đã nạp {counts['versions']} phiên bản, {counts['units']} đơn vị, {counts['successions']} liên kết kế thừa."
        )
