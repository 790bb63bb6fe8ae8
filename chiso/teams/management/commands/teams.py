"""``chiso teams erase-due|follow|recount``: the community teams' register on the command line
(``teams.actions`` owns every rule)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.engine.periods import Period, PeriodError
from chiso.teams.actions import TeamError, do_erase_due_members, do_follow_reorganisation, do_recount_teams
from chiso.units.models import Unit
from chiso.values.models import Channel


class Command(BaseCommand):
    help = "Tổ công nghệ số cộng đồng: xóa dữ liệu thành viên đã hết hạn lưu giữ, theo sắp xếp đơn vị, đếm lại."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="thao tác")
        sub.add_parser("erase-due", help="Xóa họ tên, số điện thoại của thành viên đã rời tổ quá thời hạn lưu giữ "
                                         "của phường (chạy hằng ngày)")
        sub.add_parser("follow", help="Chuyển các tổ theo sắp xếp đơn vị hành chính (kế thừa đơn vị)")
        recount = sub.add_parser("recount", help="Ghi số tổ, số thành viên, số thôn/TDP có tổ của một phường, xã "
                                                 "vào cuối một tháng, đếm từ sổ tổ")
        recount.add_argument("--unit", required=True, help="Mã phường, xã")
        recount.add_argument("--version", required=True, help="Phiên bản danh mục, ví dụ 2025-07")
        recount.add_argument("--period", required=True, help="Tháng, ví dụ 2025-12")
        recount.add_argument("--user", required=True, help="Người thực hiện (cán bộ của phường, xã)")

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["action"] == "erase-due":
                erased = do_erase_due_members(acting_user=None, channel=Channel.CLI)
                self.stdout.write(f"Đã xóa dữ liệu cá nhân của {erased} thành viên đã rời tổ quá thời hạn lưu giữ.")
            elif options["action"] == "follow":
                done = do_follow_reorganisation(acting_user=None, channel=Channel.CLI)
                for carried in done:
                    self.stdout.write(f"{carried.team.code}: {carried.detail}")
                self.stdout.write(f"{len(done)} thay đổi.")
            else:
                self._recount(options)
        except TeamError as error:
            raise CommandError(error.message) from None

    def _recount(self, options: dict[str, object]) -> None:
        user = get_user_model().objects.filter(username=str(options["user"])).first()
        if user is None:
            raise CommandError(f"Không có người dùng '{options['user']}'.")
        ward = Unit.objects.select_related("version").filter(version__name=options["version"],
                                                             code=options["unit"]).first()
        if ward is None:
            raise CommandError(f"Không có đơn vị mã {options['unit']} trong phiên bản {options['version']}.")
        try:
            period = Period.parse(str(options["period"]))
        except PeriodError as error:
            raise CommandError(f"Kỳ '{options['period']}': {error}") from None
        changed = do_recount_teams(ward, period, acting_user=user, channel=Channel.CLI)
        self.stdout.write(f"{ward.name}, {period.vi_label().lower()}: {changed} số liệu thay đổi.")
