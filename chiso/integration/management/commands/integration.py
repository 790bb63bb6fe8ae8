"""``chiso integration collect|deliver|subscribe|list|remove``: the change log and the pushes to other systems.

    chiso integration collect [--from-start]     store what became public since the last pass (the feed)
    chiso integration deliver [--once] [--max-seconds N] [--pause N]
                                                 collect, queue and push, once or in a loop of bounded time
    chiso integration subscribe --name N --url URL --events a,b --secret-env VAR [--auth oauth2|api_key|none]
        [--token-url U --client-id ID --client-secret-env VAR --scope S] [--api-key-header H --api-key-env VAR]
    chiso integration list                       subscriptions and their deliveries
    chiso integration remove NAME                stop pushing to a subscription (its log is kept)
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q

from chiso.engine.numbers import format_number
from chiso.integration.models import AuthKind, DeliveryStatus, Subscription


class Command(BaseCommand):
    help = "Tích hợp (LGSP): thu thập thay đổi đã công bố, gửi tới các hệ thống đăng ký, quản lý đăng ký."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="thao tác")
        collect = sub.add_parser("collect", help="Ghi các thay đổi đã công bố kể từ lần trước vào luồng thay đổi")
        collect.add_argument("--from-start", action="store_true",
                             help="Lần đầu: đọc toàn bộ nhật ký (mặc định: bắt đầu từ bây giờ)")
        deliver = sub.add_parser("deliver", help="Thu thập, xếp hàng và gửi các thay đổi tới các đăng ký")
        deliver.add_argument("--once", action="store_true", help="Một lượt rồi dừng")
        deliver.add_argument("--max-seconds", type=int, default=600, help="Chạy lặp tối đa ngần ấy giây (mặc định 600)")
        deliver.add_argument("--pause", type=int, default=15, help="Nghỉ giữa hai lượt, giây (mặc định 15)")
        subscribe = sub.add_parser("subscribe", help="Đăng ký một hệ thống nhận thay đổi")
        subscribe.add_argument("--name", required=True, help="Tên đăng ký, ví dụ lgsp-danang")
        subscribe.add_argument("--url", required=True, help="Địa chỉ nhận (http:// hoặc https://)")
        subscribe.add_argument("--events", required=True,
                               help="figures.published,ranking.published,dataset.updated (cách nhau bằng dấu phẩy)")
        subscribe.add_argument("--secret-env", required=True,
                               help="Tên biến môi trường chứa khóa ký HMAC (chỉ lưu tên biến)")
        subscribe.add_argument("--auth", choices=AuthKind.values, default=AuthKind.OAUTH2,
                               help="oauth2 (mặc định), api_key hoặc none")
        subscribe.add_argument("--token-url", default="", help="OAuth2: địa chỉ lấy token")
        subscribe.add_argument("--client-id", default="", help="OAuth2: client id")
        subscribe.add_argument("--client-secret-env", default="", help="OAuth2: biến môi trường chứa client secret")
        subscribe.add_argument("--scope", default="", help="OAuth2: scope")
        subscribe.add_argument("--api-key-header", default="", help="Khóa API: tên tiêu đề, ví dụ X-API-Key")
        subscribe.add_argument("--api-key-env", default="", help="Khóa API: biến môi trường chứa khóa")
        sub.add_parser("list", help="Các đăng ký và số lượt gửi")
        remove = sub.add_parser("remove", help="Ngừng gửi tới một đăng ký (nhật ký được giữ)")
        remove.add_argument("name", help="Tên đăng ký")

    def handle(self, *args: object, **options: object) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _collect(self, options: dict[str, object]) -> None:
        from chiso.integration.changes import collect

        made = collect(from_start=bool(options["from_start"]))
        self.stdout.write(f"Đã ghi {format_number(len(made))} thay đổi vào luồng.")

    def _deliver(self, options: dict[str, object]) -> None:
        from chiso.integration.delivery import run

        totals = run(once=bool(options["once"]), max_seconds=max(int(str(options["max_seconds"])), 0),
                     pause=max(int(str(options["pause"])), 1))
        self.stdout.write(f"Thay đổi mới: {format_number(totals['changes'])}; xếp hàng: "
                          f"{format_number(totals['queued'])}; lần gửi: {format_number(totals['attempts'])}, "
                          f"thành công: {format_number(totals['delivered'])}.")

    def _subscribe(self, options: dict[str, object]) -> None:
        from chiso.integration.actions import SubscriptionError, do_subscribe

        events = [e.strip() for e in str(options["events"]).split(",") if e.strip()]
        try:
            made = do_subscribe(
                name=str(options["name"]), url=str(options["url"]), events=events,
                secret_env=str(options["secret_env"]), auth=str(options["auth"]),
                token_url=str(options["token_url"]), client_id=str(options["client_id"]),
                client_secret_env=str(options["client_secret_env"]), scope=str(options["scope"]),
                api_key_header=str(options["api_key_header"]), api_key_env=str(options["api_key_env"]))
        except SubscriptionError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Đã đăng ký '{made.name}' → {made.url} ({', '.join(made.events)}).")

    def _list(self, options: dict[str, object]) -> None:
        rows = Subscription.objects.annotate(
            pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
            delivered=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.DELIVERED)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)))
        for s in rows:
            state = "đang nhận" if s.is_active else "đã ngừng"
            self.stdout.write(f"{s.name}\t{s.url}\t{','.join(s.events)}\t{s.auth}\t{state}\t"
                              f"chờ {s.pending}, đã gửi {s.delivered}, thất bại {s.failed}")

    def _remove(self, options: dict[str, object]) -> None:
        from chiso.integration.actions import SubscriptionError, do_stop_subscription

        try:
            stopped = do_stop_subscription(str(options["name"]))
        except SubscriptionError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Đã ngừng gửi tới '{stopped.name}'.")
