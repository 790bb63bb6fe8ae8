"""``chiso dhis2 export|import|mappings``: DHIS2 dataValueSets in and out, and the mapping tables as a CSV file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.collection.importer.problems import ImportRefused
from chiso.exchange.export import Selection, SelectionError, data_values, parse_span, units_named
from chiso.exchange.formats import write_csv, write_json
from chiso.exchange.importing import import_data_values
from chiso.exchange.mappings import do_load_mappings, export_mappings
from chiso.values.models import Channel


class Command(BaseCommand):
    help = ("Trao đổi số liệu với DHIS2 (dataValueSets JSON hoặc CSV): chiso dhis2 export | import | "
            "mappings load|export.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="thao tác")
        out = sub.add_parser("export", help="Xuất số liệu thành dataValueSets của DHIS2")
        out.add_argument("--units", required=True, help="Mã đơn vị, cách nhau bằng dấu phẩy: 491,20221")
        out.add_argument("--version", required=True, help="Phiên bản danh mục đơn vị của các mã: 2024")
        out.add_argument("--periods", required=True, help="Một kỳ (2024) hoặc khoảng kỳ 2024-01..2024-12: mọi "
                                                          "số liệu có kỳ nằm trong khoảng")
        out.add_argument("--subtree", action="store_true", help="Cả số liệu của mọi đơn vị cấp dưới")
        out.add_argument("--format", choices=["json", "csv"], default="json", help="Mặc định json")
        out.add_argument("--published-only", action="store_true",
                         help="Chỉ số liệu đã công bố (báo cáo đã duyệt), dù người đọc được xem bản nháp")
        out.add_argument("--out", required=True, type=Path, help="Tệp ghi ra")
        out.add_argument("--user", default="", help="Đọc với quyền của người dùng này (thấy cả số liệu chưa công "
                                                    "bố của đơn vị mình); bỏ trống: như khách, chỉ số đã công bố")
        imp = sub.add_parser("import", help="Nhập dataValueSets (JSON hoặc CSV) của DHIS2: tất cả hoặc không gì cả")
        imp.add_argument("file", type=Path, help="Tệp .json hoặc .csv")
        imp.add_argument("--user", required=True, help="Bắt buộc: nhập với quyền của người dùng này")
        imp.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì")
        maps = sub.add_parser("mappings", help="Bảng ánh xạ mã chiso ↔ DHIS2 (tệp CSV)")
        maps.add_argument("what", choices=["load", "export"], help="load: thay bảng bằng tệp; export: ghi bảng ra tệp")
        maps.add_argument("file", type=Path, help="Tệp .csv (cột: kind, chiso_version, chiso_code, dhis2_id, "
                                                  "category_option_combo)")

    def handle(self, *args: object, **options: object) -> None:
        action = options["action"]
        if action == "export":
            self._export(options)
        elif action == "import":
            self._import(options)
        else:
            self._mappings(str(options["what"]), options["file"])  # type: ignore[arg-type]

    def _user(self, username: str) -> Any:
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có người dùng '{username}'.") from None

    def _export(self, options: dict[str, object]) -> None:
        reader = self._user(str(options["user"])) if options["user"] else None
        codes = [c.strip() for c in str(options["units"]).split(",") if c.strip()]
        try:
            units = units_named(codes, str(options["version"]))
            start, end = parse_span(str(options["periods"]))
        except SelectionError as error:
            raise CommandError(str(error)) from None
        values = data_values(Selection(units, start, end, subtree=bool(options["subtree"])), reader=reader,
                             published_only=bool(options["published_only"]))
        text = write_json(values) if options["format"] == "json" else write_csv(values)
        path = options["out"]
        assert isinstance(path, Path)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {path}: {error.strerror}.") from None
        self.stdout.write(f"Đã xuất {len(values)} số liệu vào {path}.")

    def _import(self, options: dict[str, object]) -> None:
        user = self._user(str(options["user"]))
        path = options["file"]
        assert isinstance(path, Path)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {path}: {error.strerror}.") from None
        kind = {".json": "json", ".csv": "csv"}.get(path.suffix.lower())
        summary = import_data_values(path.name, content, acting_user=user, channel=Channel.IMPORT,
                                     dry_run=bool(options["dry_run"]), kind=kind)
        for conflict in [*summary.conflicts, *summary.warnings]:
            self.stdout.write(f"{path.name}, {conflict.value}")
        if summary.conflicts:
            raise CommandError(summary.description)
        self.stdout.write(summary.description + (" Chạy thử (--dry-run): chưa ghi gì." if summary.dry_run else ""))
        self.stdout.write(json.dumps(summary.as_dhis2()["importCount"]))

    def _mappings(self, what: str, path: Path) -> None:
        if what == "export":
            try:
                path.write_text(export_mappings(), encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Không ghi được tệp {path}: {error.strerror}.") from None
            self.stdout.write(f"Đã ghi bảng ánh xạ vào {path}.")
            return
        try:
            loaded = do_load_mappings(path.name, path.read_bytes())
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {path}: {error.strerror}.") from None
        except ImportRefused as refused:
            faults = "\n".join(p.text() for p in refused.problems)
            raise CommandError(f"Không nạp, bảng ánh xạ giữ nguyên ({len(refused.problems)} lỗi):\n{faults}") from None
        self.stdout.write(f"Đã nạp bảng ánh xạ: {loaded.elements} yếu tố dữ liệu, {loaded.units} đơn vị.")
