from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from chiso.demo.builder import DEMO_PASSWORD, DEMO_USERS, build_demo


class Command(BaseCommand):
    help = ("Dựng bản trình diễn Đà Nẵng trong một cơ sở dữ liệu SQLite mới (xóa bản cũ trong thư mục dữ liệu) "
            "rồi chạy máy chủ tại 127.0.0.1.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Chỉ dựng dữ liệu, không chạy máy chủ")
        parser.add_argument("--port", type=int, default=8000, help="Cổng máy chủ (mặc định 8000)")
        parser.add_argument("--data-dir", help="Thư mục chứa cơ sở dữ liệu trình diễn (mặc định $CHISO_DATA_DIR/demo)")

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Đang dựng dữ liệu trình diễn Đà Nẵng…")
        summary = build_demo()
        self.stdout.write(
            f"Xong: {summary['units']} đơn vị trong {summary['versions']} phiên bản, {summary['indicators']} chỉ tiêu, "
            f"{summary['values']} số liệu thật có nguồn, {summary['illustrative_values']} số liệu minh họa."
        )
        self.stdout.write(f"Cơ sở dữ liệu: {settings.DATABASES['default']['NAME']}")
        port = options["port"]
        self.stdout.write(self.style.SUCCESS(f"\nMở http://127.0.0.1:{port}/"))
        self.stdout.write(f"Đăng nhập (mật khẩu cho mọi tài khoản: {DEMO_PASSWORD}):")
        for username, _, _, _, label in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {label}")
        self.stdout.write(f"  {'totruong':<10} tổ trưởng Tổ CNSCĐ, tổ dân phố của phường Thanh Khê (trang /to-cns/ghi/)")
        if not options["no_serve"]:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
