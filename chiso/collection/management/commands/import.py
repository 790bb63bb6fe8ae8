from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chiso.collection import importer
from chiso.engine.numbers import format_number
from chiso.values.actions import WriteResult
from chiso.values.parted import recover_runs, unfinished_runs

SHOWN = 50  # changes, violations and outliers listed at most


class Command(BaseCommand):
    help = ("Nhập số liệu từ tệp CSV hoặc XLSX (bảng dọc hoặc bảng ngang theo mẫu): xem trước, kiểm tra, "
            "rồi ghi tất cả hoặc không gì cả. Không giới hạn dung lượng như trang tải lên.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?", help="Tệp .csv hoặc .xlsx")
        parser.add_argument("--recover", action="store_true", help="Chỉ hoàn tác các lần nhập lớn bị dừng giữa "
                                                                  "chừng (mỗi lần chiso import cũng tự làm việc này)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ xem trước và kiểm tra, không ghi gì")
        parser.add_argument("--user", default="", help="Bắt buộc: nhập với quyền của người dùng này; lịch sử "
                                                      "ghi tên người này cho mọi số thay đổi")
        parser.add_argument("--hierarchy", default="", help="Dùng một phiên bản danh mục đơn vị cho mọi dòng "
                                                           "(mặc định: phiên bản hiệu lực vào cuối mỗi kỳ)")

    def handle(self, *args: object, **options: object) -> None:
        self._recover()
        if options["recover"]:
            return
        path = options["file"]
        if not isinstance(path, Path):
            raise CommandError("Cần tên tệp: chiso import TỆP --user TÊN_ĐĂNG_NHẬP (hoặc chiso import --recover).")
        if not options["user"]:
            raise CommandError("Cần ghi rõ người nhập: chiso import TỆP --user TÊN_ĐĂNG_NHẬP. Mọi lần ghi số "
                               "liệu đều ghi tên người ghi vào lịch sử, và chỉ ghi được vào đơn vị người đó "
                               "có quyền; chưa ghi gì.")
        try:
            user = get_user_model().objects.get_by_natural_key(options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có người dùng '{options['user']}'.") from None
        hierarchy = str(options["hierarchy"]) or None
        parted = importer.import_in_parts(path, acting_user=user, hierarchy=hierarchy,
                                          dry_run=bool(options["dry_run"]))
        if parted is not None:
            self._report_parted(parted, dry_run=bool(options["dry_run"]))
            return
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {path}: {error.strerror}.") from None
        found = importer.preview(path.name, content, acting_user=user, hierarchy=hierarchy, max_bytes=None)
        self._report(found)
        if found.problems:
            raise CommandError(f"Không nhập: {len(found.problems)} lỗi. Sửa tệp rồi chạy lại; chưa ghi gì.")
        if options["dry_run"]:
            self.stdout.write("Chạy thử (--dry-run): chưa ghi gì.")
            return
        try:
            result = importer.commit(found, acting_user=user)
        except importer.ImportRefused as refused:
            faults = "\n".join(p.text() for p in refused.problems)
            raise CommandError(f"Không nhập, chưa ghi gì:\n{faults}") from None
        self._written(result)

    def _recover(self) -> None:
        """A large import written in batches (SQLite) whose process died mid-way is undone before anything else."""
        for run, undone in recover_runs():
            self.stdout.write(f"Đã hoàn tác lần nhập #{run.pk} bị dừng giữa chừng ({run.reason}, bắt đầu "
                              f"{timezone.localtime(run.started_at):%H:%M %d/%m/%Y}): {undone} số liệu trả về như "
                              "trước.")
        for run in unfinished_runs():
            self.stdout.write(f"Lần nhập #{run.pk} ({run.reason}) đang ghi ở tiến trình {run.pid} trên máy "
                              f"{run.host}: chưa hoàn tác (tiến trình còn chạy, hoặc ở máy khác).")

    def _report(self, found: importer.Preview) -> None:
        write = self.stdout.write
        info = found.info
        how = ", ".join(x for x in (info.kind.upper(), info.encoding, info.delimiter_label and
                                    f"phân cách bằng {info.delimiter_label}") if x)
        write(f"Tệp {found.name} ({how}): {found.total} giá trị — {found.new} mới, {found.changed} thay đổi, "
              f"{found.unchanged} không đổi.")
        for row in found.change_rows(SHOWN):
            item = row["item"]
            write(f"  {item.unit.name} · {item.element.code} · {item.period}: {row['old']} → {row['new']}")  # type: ignore[attr-defined]
        self._findings(found)

    def _report_parted(self, found: importer.PartedImport, *, dry_run: bool) -> None:
        """A large file read part by part: the same report, the lists cut at ``SHOWN``."""
        write = self.stdout.write
        write(f"Tệp {found.name} (CSV, {found.encoding}, đọc {found.parts} phần): {found.total} giá trị — "
              f"{found.new} mới, {found.changed} thay đổi, {found.unchanged} không đổi.")
        for change in found.changes[:SHOWN]:
            write(f"  {change.unit.name} · {change.element.code} · {change.period}: "
                  f"{importer.figure_text(change.old, None)} → {importer.figure_text(change.new, None)}")
        self._findings(found)
        if found.problems:
            count = len(found.problems) + found.more_problems
            raise CommandError(f"Không nhập: {count} lỗi. Sửa tệp rồi chạy lại; chưa ghi gì.")
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): chưa ghi gì.")
            return
        assert found.written is not None
        self._written(found.written)

    def _findings(self, found: importer.Preview | importer.PartedImport) -> None:
        """Rule violations, outliers, warnings (stdout) and faults (stderr) of a whole or a parted file."""
        write = self.stdout.write
        for violation in found.violations[:SHOWN]:
            write(f"  {violation.message}")
        for outlier in found.outliers[:SHOWN]:
            write(f"  Giá trị bất thường: {outlier.unit.name} · {outlier.element.code} · {outlier.period} = "
                  f"{format_number(outlier.value)}, {outlier.words} (điểm z = {format_number(outlier.score, 1)}); "
                  "kiểm tra lại.")
        for warning in found.warnings:
            write(f"  Lưu ý: {warning.text()}")
        for problem in found.problems:
            self.stderr.write(f"Lỗi: {problem.text()}")

    def _written(self, result: WriteResult) -> None:
        self.stdout.write(f"Đã ghi: {result.created} mới, {result.changed} thay đổi, {result.unchanged} không đổi.")
