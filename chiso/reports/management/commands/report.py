"""``chiso report --unit CODE --year YYYY --format pdf|xlsx --out FILE``: a unit's annual CĐS report."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.reports.build import ReportError, build_report, version_of_year
from chiso.reports.render import render_pdf, render_xlsx
from chiso.units import queries as units


class Command(BaseCommand):
    help = ("Báo cáo kết quả chuyển đổi số năm của một đơn vị (PDF hoặc XLSX). Mã đơn vị đọc theo danh mục "
            "có hiệu lực ngày 31/12 của năm báo cáo: 491 là quận Thanh Khê năm 2024.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Mã đơn vị, ví dụ 491")
        parser.add_argument("--year", required=True, type=int, help="Năm báo cáo, ví dụ 2024")
        parser.add_argument("--format", choices=["pdf", "xlsx"], default="pdf", help="pdf (mặc định) hoặc xlsx")
        parser.add_argument("--out", required=True, help="Tệp ghi ra, ví dụ bao-cao-491-2024.pdf")
        parser.add_argument("--hierarchy", help="Phiên bản danh mục để đọc mã (mặc định: theo năm báo cáo)")

    def handle(self, *args: object, **options: object) -> None:
        year = int(options["year"])  # type: ignore[call-overload]
        try:
            version = (units.version_by_name(str(options["hierarchy"])) if options["hierarchy"]
                       else version_of_year(year))
            if version is None:
                raise CommandError(f"Không có phiên bản danh mục '{options['hierarchy']}'.")
            unit = units.unit_by_code(version.name, str(options["unit"]))
            if unit is None:
                raise CommandError(f"Không có đơn vị mã '{options['unit']}' trong danh mục {version.name} "
                                   f"(danh mục có hiệu lực ngày 31/12/{year}). Dùng --hierarchy để chọn danh mục khác.")
            report = build_report(unit, year)
        except ReportError as error:
            raise CommandError(str(error)) from None
        body = render_pdf(report) if options["format"] == "pdf" else render_xlsx(report)
        out = Path(str(options["out"]))
        out.write_bytes(body)
        size = f"{len(body):,}".replace(",", ".")
        self.stdout.write(f"Đã ghi {out} ({size} byte): báo cáo năm {year} của {unit.name} "
                          f"(mã {unit.code}, danh mục {version.name}).")
