"""The login page of the site (under ``nhap-lieu/``) and where a user lands after it: whoever writes or reviews
reports starts on the entry pages, anyone else (a leader, a viewer, an analyst) on «Tình hình đơn vị»
(``accounts.access.has_work_role``). A ``?next=`` in the address still wins."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import resolve_url

from chiso.accounts.access import has_work_role


class LoginView(auth_views.LoginView):
    template_name = "collection/entry/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return resolve_url("entry:start" if has_work_role(self.request.user) else "portal:situation_home")
