from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from chiso.collection.catalogue import RULES_FILE, load_rules
from chiso.csvfiles import LoadError
from chiso.indicators.catalogue import REFERENCE_DIR, load_catalogue


class Command(BaseCommand):
    help = "Khung chỉ tiêu. 'load': nạp trụ cột, yếu tố dữ liệu, chỉ tiêu và quy tắc kiểm tra; lỗi thì không đổi gì."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Nạp danh mục chỉ tiêu (tất cả hoặc không gì cả).")
        load.add_argument("--pillars", type=Path, default=REFERENCE_DIR / "pillars.csv")
        load.add_argument("--data-elements", type=Path, default=REFERENCE_DIR / "data_elements.csv")
        load.add_argument("--indicators", type=Path, nargs="+",
                          default=[REFERENCE_DIR / "indicators.csv", REFERENCE_DIR / "local_indicators.csv"])
        load.add_argument("--rules", type=Path, default=RULES_FILE, help="CSV quy tắc kiểm tra")

    def handle(self, *args: object, **options: object) -> None:
        try:
            with transaction.atomic():
                counts = load_catalogue(options["pillars"], options["data_elements"],  # type: ignore[arg-type]
                                        tuple(options["indicators"]))  # type: ignore[arg-type]
                counts["rules"] = load_rules(options["rules"])  # type: ignore[arg-type]
        except LoadError as error:
            raise CommandError("Không nạp được; cơ sở dữ liệu giữ nguyên.\n" + "\n".join(error.problems)) from None
        self.stdout.write(f"Đã nạp {counts['pillars']} trụ cột, {counts['data_elements']} yếu tố dữ liệu, "
                          f"{counts['indicators']} chỉ tiêu, {counts['rules']} quy tắc kiểm tra.")
