from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from chiso.demo.builder import DEMO_PASSWORD, DEMO_USERS, build_demo
from chiso.demo.database import is_built, mark_built


class Command(BaseCommand):
    help = ("Dựng bản trình diễn Đà Nẵng trong một cơ sở dữ liệu SQLite (dùng lại bản đã dựng xong lần trước, "
            "giữ những gì đã nhập; --fresh để tạo lại) rồi chạy máy chủ tại 127.0.0.1.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fresh", action="store_true",
                            help="Xóa cơ sở dữ liệu mẫu đã có (kể cả những gì đã nhập) và dựng lại")
        parser.add_argument("--no-serve", action="store_true", help="Chỉ dựng dữ liệu, không chạy máy chủ")
        parser.add_argument("--port", type=int, default=8000, help="Cổng máy chủ (mặc định 8000)")
        parser.add_argument("--data-dir", help="Thư mục chứa cơ sở dữ liệu trình diễn (mặc định $CHISO_DATA_DIR/demo)")

    def handle(self, *args: object, **options: object) -> None:
        database = Path(settings.DATABASES["default"]["NAME"])
        sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        call_command("migrate", interactive=False, verbosity=0)
        if sqlite and is_built(database):  # the chiso command kept it (chiso.demo.database decided)
            self.stdout.write("Dữ liệu trình diễn đã có, không dựng lại.")
        else:
            self.stdout.write("Đang dựng dữ liệu trình diễn Đà Nẵng…")
            summary = build_demo()
            self.stdout.write(
                f"Xong: {summary['units']} đơn vị trong {summary['versions']} phiên bản, {summary['indicators']} "
                f"chỉ tiêu, {summary['values']} số liệu thật có nguồn, {summary['illustrative_values']} số liệu "
                "minh họa.")
            if sqlite:
                mark_built(database)  # last: a build that stops before here is built again next time
        self.stdout.write(f"Cơ sở dữ liệu: {settings.DATABASES['default']['NAME']}")
        port = options["port"]
        self.stdout.write(self.style.SUCCESS(f"\nMở http://127.0.0.1:{port}/"))
        self.stdout.write(f"Đăng nhập (mật khẩu cho mọi tài khoản: {DEMO_PASSWORD}):")
        for username, _, _, _, label in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {label}")
        self.stdout.write(f"  {'totruong':<10} tổ trưởng Tổ CNSCĐ, tổ dân phố của phường Thanh Khê (trang /to-cns/ghi/)")
        if not options["no_serve"]:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
