"""Admin pages for what only actions write (figures, targets, roles and their histories): shown, never edited.

Editing them in the admin would bypass the action's checks and its history row, so these pages only show.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse


class ReadOnly:
    """No add, change or delete for anyone, superusers included; viewing follows the view permission."""

    def has_add_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False


class Noted:
    """A changelist (and change page) that says, under its title, where these rows are written instead (``note``)."""

    note = ""

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = {"subtitle": self.note, **(extra_context or {})}
        return super().changelist_view(request, context)  # type: ignore[misc]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = {"subtitle": self.note, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)  # type: ignore[misc]
