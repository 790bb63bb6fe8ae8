"""``chiso tokens create|list|revoke``: a user's API tokens on the command line (``accounts.tokens`` owns
every rule). ``create`` prints the token once, alone on the last line, so a script can take it with
``tail -n 1``; only its SHA-256 is kept."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chiso.accounts.models import ApiToken, TokenScope
from chiso.accounts.tokens import TokenError, create_token, do_revoke_token, tokens_of


def _when(moment: object) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "-"  # type: ignore[arg-type]


def state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return f"đã thu hồi {_when(token.revoked_at)}"
    return "đã hết hạn" if token.expires_at <= timezone.now() else "còn hiệu lực"


class Command(BaseCommand):
    help = "Mã truy cập API của một người dùng: tạo (hiện một lần), liệt kê, thu hồi."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="thao tác")
        create = sub.add_parser("create", help="Tạo mã; dòng cuối là mã, chỉ hiện một lần")
        create.add_argument("--user", required=True, help="Người dùng sở hữu mã (mã hành động với quyền của họ)")
        create.add_argument("--name", required=True, help="Dùng cho việc gì, ví dụ: LGSP thành phố")
        create.add_argument("--scope", choices=list(TokenScope.values), default=TokenScope.WRITE,
                            help="read: chỉ đọc; write: đọc và ghi (mặc định)")
        create.add_argument("--expires", type=int, default=None, metavar="DAYS",
                            help="Số ngày hiệu lực, 1 đến 730; mặc định CHISO_TOKEN_DAYS")
        listing = sub.add_parser("list", help="Các mã của người dùng (không bao giờ hiện mã)")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="Thu hồi một mã của người dùng")
        revoke.add_argument("id", type=int, help="Số của mã (cột đầu của chiso tokens list)")
        revoke.add_argument("--user", required=True)

    def _user(self, username: str) -> User:
        try:
            return get_user_model().objects.get_by_natural_key(username.strip())  # type: ignore[no-any-return]
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có người dùng '{username}'.") from None

    def handle(self, *args: object, **options: object) -> None:
        user = self._user(str(options["user"]))
        try:
            if options["action"] == "create":
                expires = options["expires"]
                row, token = create_token(user, str(options["name"]), scope=str(options["scope"]),
                                          days=expires if isinstance(expires, int) else None)
                self.stdout.write(f"Đã tạo mã truy cập số {row.pk} '{row.name}' cho {user.get_username()}, phạm vi "
                                  f"{row.scope}, hết hạn {_when(row.expires_at)}. Chép mã ở dòng dưới ngay: nó "
                                  "chỉ hiện một lần.")
                self.stdout.write(token)
            elif options["action"] == "list":
                for row in tokens_of(user):
                    self.stdout.write(f"{row.pk}\t{row.name}\t{row.scope}\ttạo {_when(row.created)}\t"
                                      f"hết hạn {_when(row.expires_at)}\tdùng lần cuối {_when(row.last_used)}\t"
                                      f"{state(row)}")
            else:
                token_id = options["id"]
                assert isinstance(token_id, int)
                row = do_revoke_token(token_id, acting_user=user)
                self.stdout.write(f"Đã thu hồi mã truy cập số {row.pk} '{row.name}' lúc {_when(row.revoked_at)}.")
        except TokenError as error:
            raise CommandError(error.message) from None
