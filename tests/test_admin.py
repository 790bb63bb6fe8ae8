"""The admin in Vietnamese: every model listed, figures read-only, nothing hard-deleted."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User

from chiso.accounts.models import RoleAssignment
from chiso.indicators.models import DataElement, Indicator, Pillar
from chiso.plans.models import Plan, Target
from chiso.units.models import HierarchyVersion, Succession, Unit
from chiso.values.models import DataValue, DataValueHistory
from tests.conftest import unit

pytestmark = pytest.mark.django_db

# The <h1> of each changelist as Django's Vietnamese translation renders it: "Chọn %s để thay đổi",
# or "Chọn %s để xem" where the admin may only look.
CHANGELIST_TITLES = {
    HierarchyVersion: "Chọn phiên bản danh mục đơn vị để thay đổi",
    Unit: "Chọn đơn vị để thay đổi",
    Succession: "Chọn kế thừa đơn vị để thay đổi",
    Pillar: "Chọn trụ cột để thay đổi",
    DataElement: "Chọn yếu tố dữ liệu để thay đổi",
    Indicator: "Chọn chỉ tiêu để thay đổi",
    DataValue: "Chọn số liệu để xem",
    DataValueHistory: "Chọn lịch sử số liệu để xem",
    RoleAssignment: "Chọn phân quyền để xem",  # written on the plan page by audited actions (issue 14)
    Plan: "Chọn kế hoạch CĐS năm để xem",
    Target: "Chọn chỉ tiêu kế hoạch để xem",
    User: "Chọn người dùng để thay đổi",
}


def _url(model, view: str = "changelist", *args) -> str:
    from django.urls import reverse

    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_is_registered():
    assert set(CHANGELIST_TITLES) <= set(admin.site._registry)


@pytest.mark.parametrize("model", list(CHANGELIST_TITLES), ids=lambda m: m.__name__)
def test_changelist_in_vietnamese(admin_client, model):
    response = admin_client.get(_url(model))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{CHANGELIST_TITLES[model]}</h1>" in html
    assert "Quản trị chiso" in html


def test_index_has_vietnamese_titles(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "<title>Quản trị hệ thống chỉ số chuyển đổi số | Quản trị chiso</title>" in html
    assert '<a href="/admin/">Quản trị chiso</a>' in html


def test_unit_change_page_shows_successions(admin_client):
    thac_gian = unit("2024", "20221")
    response = admin_client.get(_url(Unit, "change", thac_gian.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Thay đổi đơn vị</h1>" in html
    assert "Phường Thạc Gián (20218, 2025-01)" in html  # its successor, in the read-only inline
    assert "đơn vị kế thừa (phiên bản sau)" in html.lower()
    assert "Không xóa đơn vị" in html


def test_unit_search_ignores_diacritics(admin_client):
    version_id = unit("2025-01", "20218").version_id
    response = admin_client.get(_url(Unit), {"q": "thac gian", "version__id__exact": version_id})
    assert response.status_code == 200
    assert "Phường Thạc Gián" in response.content.decode()


def test_figures_cannot_be_added_changed_or_deleted_in_admin(admin_client):
    assert admin_client.get(_url(DataValue, "add")).status_code == 403
    assert admin_client.get(_url(DataValueHistory, "add")).status_code == 403
    value = DataValue.objects.first()
    if value is None:  # the demo normally provides figures; make one the proper way if not
        from decimal import Decimal

        from chiso.engine.periods import Period
        from chiso.values.actions import ValueEntry, do_set_values
        from chiso.values.models import Channel

        do_set_values([ValueEntry(DataElement.objects.get(code="XHS-06"), unit("2024", "491"),
                                  Period.parse("2024"), Decimal(1))], acting_user=None, channel=Channel.ADMIN)
        value = DataValue.objects.get()
    page = admin_client.get(_url(DataValue, "change", value.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Xem số liệu</h1>" in html
    assert "Chỉ xem: số liệu chỉ được ghi qua chức năng nhập liệu" in html
    assert 'name="_save"' not in html
    before = (value.value, value.revision)
    assert admin_client.post(_url(DataValue, "change", value.pk), {"value": "999"}).status_code == 403
    assert admin_client.get(_url(DataValue, "delete", value.pk)).status_code == 403
    assert admin_client.post(_url(DataValue, "delete", value.pk), {"post": "yes"}).status_code == 403
    value.refresh_from_db()
    assert (value.value, value.revision, value.is_deleted) == (*before, False)
    history = value.history.first()
    assert admin_client.get(_url(DataValueHistory, "delete", history.pk)).status_code == 403


def test_units_and_successions_cannot_be_deleted(admin_client):
    ward = unit("2024", "20221")
    assert admin_client.get(_url(Unit, "delete", ward.pk)).status_code == 403
    link = Succession.objects.filter(from_unit=ward).first()
    assert admin_client.get(_url(Succession, "delete", link.pk)).status_code == 403
    changelist = admin_client.get(_url(Unit)).content.decode()
    assert "delete_selected" not in changelist


def test_user_page_carries_role_inline(admin_client, officer_thac_gian):
    response = admin_client.get(_url(User, "change", officer_thac_gian.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "phân quyền (trên đơn vị và các đơn vị trực thuộc)" in html.lower()
    assert "Phường Thạc Gián (20221, 2024)" in html
