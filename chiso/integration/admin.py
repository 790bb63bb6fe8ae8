"""The change log, subscriptions and the delivery log: shown, never edited here (``chiso integration``)."""

from __future__ import annotations

from django.contrib import admin

from chiso.integration.models import Change, Delivery, DeliveryAttempt, Subscription
from chiso.web.admin import Noted, ReadOnly

NOTE = ("Chỉ xem: thay đổi do lệnh 'chiso integration collect' ghi từ nhật ký duyệt và công bố; đăng ký do "
        "'chiso integration subscribe' ghi; lượt gửi và nhật ký do 'chiso integration deliver' ghi.")


@admin.register(Change)
class ChangeAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = NOTE
    list_display = ("id", "type", "at", "unit_code", "period", "source", "collected_at")
    list_filter = ("type",)
    search_fields = ("unit_code", "period")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = NOTE
    list_display = ("name", "url", "events", "auth", "is_active", "enqueued_through", "created_at")
    list_filter = ("is_active", "auth")


class AttemptInline(ReadOnly, admin.TabularInline):
    model = DeliveryAttempt
    fields = ("number", "at", "http_status", "error", "duration_ms")
    readonly_fields = fields
    extra = 0


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = NOTE
    list_display = ("id", "subscription", "change", "status", "attempts", "next_attempt_at", "delivered_at")
    list_filter = ("status", "subscription")
    list_select_related = ("subscription", "change")
    inlines = [AttemptInline]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnly, Noted, admin.ModelAdmin):
    note = NOTE
    list_display = ("delivery", "number", "at", "http_status", "error", "duration_ms")
    list_select_related = ("delivery__subscription",)
