"""The demo's "Khu dân cư công nghệ số": the criteria set, KDC Tam Giác 3 and two illustrative areas of phường
Thạc Gián (2024), their figures, assessments and the certification of the pilot area.

What is known (the press report on phường Thạc Gián, ``shared/METHODS.md``): 10 criteria, 6 of them public (the
5 mandatory ones and the encouraged map); KDC Tam Giác 3 piloted in June–July, the other areas from August. The
year is not in our sources: the demo takes 2024 (the 2024 map, Thạc Gián code 20221). Everything else is made
up and labelled "minh họa": the areas' figures and answers, the two other areas, the decision number, its date
and its validity. Criteria 7–10 are placeholders nobody can answer, so they stay *missing*; k (how many optional
criteria must pass) is not public and is 0 in the preset.

Everything goes through the actions: ``do_load_method`` (as the demo administrator), ``load_residential_units``,
``do_set_values`` and the report workflow (the ward officer enters and submits, the district approver approves),
``do_assess`` (the ward officer) and ``do_certify`` (the district approver), which writes the ward's count of
certified areas (``XHS-KDC``). Running it again changes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from chiso.collection.models import PeriodType, Status
from chiso.collection.workflow import do_transition, submission_for
from chiso.demo.reports import make_form
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.ranking.certification import do_assess, do_certify
from chiso.ranking.methods import do_load_method
from chiso.ranking.models import Certification, MethodKind
from chiso.units.models import Unit
from chiso.units.residential import load_residential_units
from chiso.units.types import UnitType
from chiso.values.actions import ValueEntry, do_set_values
from chiso.values.models import Channel

__all__ = ["add_certifications"]

KDC_SET = Path(__file__).resolve().parent.parent / "reference_data" / "methods" / "kdc-cong-nghe-so.csv"
AREAS_FILE = Path(__file__).resolve().parent / "residential_areas.csv"
METHOD_CODE = "kdc-cong-nghe-so"
NOTE = ("Phường Thạc Gián (quận Thanh Khê) công nhận khu dân cư công nghệ số theo 10 tiêu chí; báo chí nêu 6: "
        "100% hộ dùng Internet, 100% người dân có điện thoại thông minh, trên 90% có tài khoản định danh điện tử, "
        "trên 90% có tài khoản ngân hàng hoặc ví điện tử, trên 50% hộ kinh doanh có tài khoản trên sàn thương mại "
        "điện tử (5 tiêu chí bắt buộc) và bản đồ số tổ dân phố kèm địa chỉ nhà (khuyến khích). Tiêu chí 7–10 và số "
        "tiêu chí không bắt buộc phải đạt (k) chưa công bố: đặt chỗ minh họa, sửa khi có văn bản. Nguồn số liệu của "
        "từng tiêu chí (XHS-02, XHS-01, XHS-04, XHS-07) là lựa chọn gần nhất trong danh mục, không phải của phường.")
FORM = "BC-KDC-CNS"
ELEMENTS = ["XHS-01", "XHS-02", "XHS-04", "XHS-07"]  # the rates an area reports directly (%)
SOURCE = "Số liệu minh họa do chiso sinh ra cho bản trình diễn — không phải số liệu thật."
OFFICER, APPROVER = "thacgian", "pheduyet"  # demo.builder.DEMO_USERS: the ward officer, the district approver


# (area code, period, {element: %}, report approved?, {criterion: (answer, evidence)})
AREAS: tuple[tuple[str, str, dict[str, str], bool, dict[str, tuple[str, str]]], ...] = (
    ("KDC-TAMGIAC3", "2024-07", {"XHS-01": "100", "XHS-02": "100", "XHS-04": "93.5", "XHS-07": "91.2"}, True,
     {"TMDT": ("55", "Danh sách hộ kinh doanh có gian hàng trên sàn thương mại điện tử, 7/2024 (minh họa)"),
      "BANDO": ("có", "Bản đồ số khu dân cư kèm địa chỉ nhà, lập 6/2024 (minh họa)")}),
    ("KDC-TG-MH1", "2024-09", {"XHS-01": "100", "XHS-02": "100", "XHS-04": "92.4", "XHS-07": "87.5"}, True,
     {"TMDT": ("52", "Danh sách hộ kinh doanh có gian hàng trên sàn thương mại điện tử, 9/2024 (minh họa)"),
      "BANDO": ("không", "")}),
    ("KDC-TG-MH2", "2024-09", {"XHS-01": "98.6", "XHS-02": "100", "XHS-04": "95.1", "XHS-07": "93"}, False,
     {"TMDT": ("60", "Danh sách hộ kinh doanh có gian hàng trên sàn thương mại điện tử, 9/2024 (minh họa)"),
      "BANDO": ("có", "Bản đồ số khu dân cư kèm địa chỉ nhà, lập 8/2024 (minh họa)")}),
)
DECISION = ("245/QĐ-UBND (minh họa)", date(2024, 8, 5), date(2027, 8, 4))  # number, date, valid until: made up


@transaction.atomic
def add_certifications() -> dict[str, int]:
    """Load the criteria set, add the areas, their figures and reports, assess them and certify those that meet
    the set; returns what was made."""
    from chiso.demo.builder import DEMO_ADMIN  # builder calls this module

    admin, officer, approver = (User.objects.get(username=name) for name in (DEMO_ADMIN, OFFICER, APPROVER))
    method = do_load_method(METHOD_CODE, KDC_SET, acting_user=admin, kind=MethodKind.CRITERIA,
                            name="Khu dân cư công nghệ số (phường Thạc Gián)", legal_basis="Phường Thạc Gián, quận "
                            "Thanh Khê (báo chí; văn bản chưa công bố)", note=NOTE, is_illustrative=True)
    areas = {u.code: u for u in load_residential_units(AREAS_FILE)}
    form = make_form(FORM, "Số liệu khu dân cư công nghệ số", "Digital residential area figures",
                     [UnitType.RESIDENTIAL_AREA], PeriodType.MONTH, ELEMENTS)
    elements = {e.code: e for e in DataElement.objects.filter(code__in=ELEMENTS)}
    made = {"certifications": 0, "certified": 0}
    for code, period, figures, approved, answers in AREAS:
        area = areas[code]
        _report(form, area, period, figures, approved, elements, officer, approver)
        if Certification.objects.filter(method=method, unit=area, period=period).exists():
            continue  # assessed by an earlier run (and certified when it met the set)
        found = do_assess(method, area, period, acting_user=officer, is_illustrative=True, reason="Bản trình diễn",
                          answers={c: {"value": v, "evidence": e} for c, (v, e) in answers.items()})
        made["certifications"] += 1
        if found.meets:
            number, decided, valid_until = DECISION
            do_certify(found, acting_user=approver, decision=number, decision_date=decided, valid_until=valid_until,
                       channel=Channel.DEMO, reason="Quyết định minh họa cho bản trình diễn")
            made["certified"] += 1
    return made


def _report(form: Any, area: Unit, period: str, figures: dict[str, str], approved: bool,
            elements: dict[str, DataElement], officer: User, approver: User) -> None:
    """The area's figures entered by the ward officer; the report submitted and approved, or left a draft."""
    submission = submission_for(form, area, period)
    if submission.status != Status.DRAFT:
        return
    do_set_values([ValueEntry(data_element=elements[code], unit=area, period=Period.parse(period),
                              value=Decimal(value), source=SOURCE, is_illustrative=True)
                   for code, value in figures.items()], acting_user=officer, channel=Channel.DEMO,
                  reason="Số liệu minh họa khu dân cư công nghệ số")
    if approved:
        do_transition(submission, "submit", acting_user=officer)
        do_transition(submission, "approve", acting_user=approver)
