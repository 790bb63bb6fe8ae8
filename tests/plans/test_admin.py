"""The admin shows plans, targets, minimums, roles and their histories read-only, pointing at the plan page;
roles are granted and revoked on the plan page, with history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from chiso.accounts.models import RoleAssignment, RoleAssignmentHistory
from chiso.indicators.models import Indicator
from chiso.plans.actions import do_set_target
from chiso.plans.models import Plan, Target, TargetHistory
from tests.conftest import _user, unit

pytestmark = pytest.mark.django_db
READ_ONLY = [Plan, Target, TargetHistory, RoleAssignment, RoleAssignmentHistory]


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_nobody_adds_changes_or_deletes_in_the_admin(rf, model):
    request = rf.get("/admin/")
    request.user = _user("t_super", is_superuser=True, is_staff=True)
    model_admin = admin.site._registry[model]
    assert (model_admin.has_add_permission(request), model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request)) == (False, False, False)


def test_the_target_page_points_at_the_plan_page(admin_client, city_admin):
    target = do_set_target(unit("2024", "20221"), 2024, Indicator.objects.get(code="CQS-03"), Decimal(80),
                           acting_user=city_admin, reason="KH 12")
    html = admin_client.get(reverse("admin:plans_target_change", args=[target.pk])).content.decode()
    assert 'href="/ke-hoach/2024/20221/2024/"' in html and "Chỉ xem: chỉ tiêu và mức tối thiểu" in html
    assert "KH 12" in html  # the history inline
    response = admin_client.post(reverse("admin:plans_target_change", args=[target.pk]), {"value": "10"})
    assert response.status_code == 403
    assert Target.objects.get(pk=target.pk).value == 80
    html = admin_client.get(reverse("admin:plans_target_changelist")).content.decode()
    assert "Chọn chỉ tiêu kế hoạch để xem" in html
    html = admin_client.get(reverse("admin:accounts_roleassignment_changelist")).content.decode()
    assert "Chọn phân quyền để xem" in html and "/ke-hoach/" in html


def test_roles_on_the_plan_page(client, city_admin, officer_thac_gian):
    _user("t_newcomer")
    url = "/ke-hoach/2024/20221/2024/phan-quyen/"
    client.force_login(officer_thac_gian)
    assert "Phân quyền trên" not in client.get("/ke-hoach/2024/20221/2024/").content.decode()
    refused = client.post(url, {"action": "grant", "username": "t_newcomer", "role": "reporter"})
    assert refused.status_code == 403 and "Bạn không có quyền cấp vai trò" in refused.content.decode()
    client.force_login(city_admin)
    response = client.post(url, {"action": "grant", "username": "t_newcomer", "role": "reporter", "reason": "QĐ 5"})
    assert response.status_code == 302
    html = client.get("/ke-hoach/2024/20221/2024/").content.decode()
    assert "Đã cấp vai trò &#x27;Cán bộ nhập liệu (phường, xã)&#x27; trên Phường Thạc Gián cho t_newcomer." in html
    response = client.post(url, {"action": "revoke", "username": "t_newcomer", "role": "reporter"},
                           headers={"HX-Request": "true"})
    assert "Đã thu hồi vai trò" in response.content.decode()
    assert list(RoleAssignmentHistory.objects.filter(user__username="t_newcomer").order_by("id")
                .values_list("action", "reason")) == [("grant", "QĐ 5"), ("revoke", "")]
