"""The admin for forms, assignments, rules, reports (read-only) and API tokens; giving a form to units."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from chiso.accounts.models import ApiToken
from chiso.collection.entry.assignments import assign_form
from chiso.collection.models import Form, FormAssignment, FormElement, PeriodType, Submission, ValidationRule
from chiso.indicators.models import DataElement
from tests.conftest import unit

pytestmark = pytest.mark.django_db

CHANGELIST_TITLES = {
    Form: "Chọn biểu mẫu báo cáo để thay đổi",
    FormAssignment: "Chọn giao biểu mẫu để thay đổi",
    ValidationRule: "Chọn quy tắc kiểm tra để thay đổi",
    Submission: "Chọn báo cáo để xem",
    ApiToken: "Chọn mã truy cập API để thay đổi",
}


def _url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", list(CHANGELIST_TITLES), ids=lambda m: m.__name__)
def test_changelist_in_vietnamese(admin_client, model):
    assert model in admin.site._registry
    html = admin_client.get(_url(model)).content.decode()
    assert f"<h1>{CHANGELIST_TITLES[model]}</h1>" in html


def test_a_form_is_edited_with_its_elements(admin_client):
    form = Form.objects.get(code="BC-THANG-TDP")
    html = admin_client.get(_url(Form, "change", form.pk)).content.decode()
    assert "dòng biểu mẫu" in html.lower() and 'name="form_elements-0-data_element"' in html


def test_reports_are_read_only_with_their_steps(admin_client):
    submission = Submission.objects.filter(status="approved").first()
    assert admin_client.get(_url(Submission, "add")).status_code == 403
    html = admin_client.get(_url(Submission, "change", submission.pk)).content.decode()
    assert "Trạng thái dựng sẵn cho bản trình diễn" in html  # the step recorded by the demo
    assert 'name="_save"' not in html


def _new_form() -> Form:
    form = Form.objects.create(code="BC-THU", name_vi="Biểu thử", name_en="Test form",
                               unit_types=["phuong"], period_type=PeriodType.MONTH)
    FormElement.objects.create(form=form, data_element=DataElement.objects.get(code="XHS-14"))
    return form


def test_assign_a_form_to_the_wards_of_a_district():
    form = _new_form()
    assert assign_form(form, unit("2024", "491")) == 10  # quận Thanh Khê had ten wards in 2024
    assert assign_form(form, unit("2024", "491")) == 0
    assert assign_form(form, unit("2024", "491"), []) == 10  # every other unit: the district, 6 TDPs, 3 KDCs
    assert FormAssignment.objects.filter(form=form, unit__code="20221").exists()


def test_assign_from_the_admin_action(admin_client):
    form = _new_form()
    page = admin_client.post(_url(Form), {"action": "assign_to_units", "_selected_action": [form.pk]})
    assert "Giao biểu mẫu cho đơn vị" in page.content.decode()
    response = admin_client.post(_url(Form), {"action": "assign_to_units", "_selected_action": [form.pk],
                                              "apply": "1", "version": "2024", "root": "491"}, follow=True)
    assert "BC-THU: giao thêm cho 10 đơn vị." in response.content.decode()
    assert FormAssignment.objects.filter(form=form).count() == 10


def test_the_admin_creates_an_api_token_shown_once(admin_client, officer_thac_gian):
    response = admin_client.post(_url(ApiToken, "add"), {"user": officer_thac_gian.pk, "name": "LGSP"}, follow=True)
    html = response.content.decode()
    token = re.search(r'<code class="api-token">(chiso_[\w-]+)</code>', html).group(1)  # on the answer page only
    stored = ApiToken.objects.get(user=officer_thac_gian)
    assert (stored.name, stored.token_hash) == ("LGSP", hashlib.sha256(token.encode()).hexdigest())
    assert token not in admin_client.get(_url(ApiToken, "change", stored.pk)).content.decode()
