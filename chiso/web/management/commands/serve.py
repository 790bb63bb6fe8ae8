"""``chiso serve``: the production server (gunicorn), after ``collectstatic``.

It replaces itself with gunicorn (``exec``), so systemd's signals reach gunicorn's master process: SIGTERM
stops it gracefully, SIGHUP reloads the workers (after an upgrade: ``chiso migrate`` first).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

import chiso


def default_workers() -> int:
    """gunicorn's rule of thumb: two per CPU plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def gunicorn_command(*, host: str, port: int, workers: int, threads: int, timeout: int) -> list[str]:
    """
    >>> gunicorn_command(host="127.0.0.1", port=8000, workers=5, threads=4, timeout=120)[3:11]
    ['chiso.wsgi:application', '--bind', '127.0.0.1:8000', '--workers', '5', '--worker-class', 'gthread', '--threads']
    """
    return [
        sys.executable, "-m", "gunicorn", "chiso.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--timeout", str(timeout),
        "--graceful-timeout", "30",
        # No --max-requests: a gthread worker renewed that way resets the connections it has accepted but not yet
        # read (benoitc/gunicorn#3038, open in 23.0): 41 readers of the load run lost their answer in 55 renewals
        # at 700 answers a second, and each new worker pays its start (1.3 s of CPU) and a cold memo again.
        "--pythonpath", str(Path(chiso.__file__).resolve().parent.parent),  # this very code, not another copy
        "--error-logfile", "-",
    ]  # no gunicorn access log: chiso.web.request_log writes one line per request, with its request id


class Command(BaseCommand):
    help = ("Chạy máy chủ sản xuất (gunicorn) sau khi gom tệp tĩnh (collectstatic: tên có mã băm, bản nén gzip "
            "và brotli). Đặt sau một reverse proxy (nginx); xem mục Deploying của README.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1",
                            help="Địa chỉ lắng nghe (mặc định 127.0.0.1: chỉ proxy trên cùng máy gọi được)")
        parser.add_argument("--port", type=int, default=8000, help="Cổng (mặc định 8000)")
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help=f"Số tiến trình (mặc định 2 × số CPU + 1 = {default_workers()} trên máy này)")
        parser.add_argument("--threads", type=int, default=4,
                            help="Số luồng mỗi tiến trình (mặc định 4; CHISO_DATABASE_POOL nên ít nhất bằng số này)")
        parser.add_argument("--timeout", type=int, default=120,
                            help="Giây tối đa cho một yêu cầu trước khi tiến trình bị thay (mặc định 120)")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="Không gom tệp tĩnh trước khi chạy (đã chạy chiso collectstatic)")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("workers", "threads", "timeout"):
            if options[name] < 1:
                raise CommandError(f"--{name} phải là số nguyên dương, không phải {options[name]}.")
        if not 0 < options["port"] < 65536:
            raise CommandError(f"--port phải từ 1 đến 65535, không phải {options['port']}.")
        if importlib.util.find_spec("gunicorn") is None:
            raise CommandError("Chưa cài gunicorn: pip install gunicorn (có trong các gói phụ thuộc của chiso).")
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        command = gunicorn_command(host=options["host"], port=options["port"], workers=options["workers"],
                                   threads=options["threads"], timeout=options["timeout"])
        self.stdout.write(f"chiso serve: {options['workers']} tiến trình × {options['threads']} luồng tại "
                          f"http://{options['host']}:{options['port']}/")
        self.stdout.flush()
        os.execv(sys.executable, command)
