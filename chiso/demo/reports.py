"""Demo report forms and their review states.

* "Báo cáo CĐS tháng — cấp phường, xã": the illustrative elements, monthly, for every commune of
  Đà Nẵng in each hierarchy version; "Báo cáo tháng — tổ dân phố" for the demo tổ dân phố;
* "Số liệu đã công bố": the real figures, whose sources are already public.
Reports are due (``Form.due_day``) on the 10th of the next month for a ward, the 5th for a tổ dân
phố (which reports to its ward first). Every report is approved except the last two months: 11/2025 is
submitted (waiting for the level above) and 12/2025 is a draft — so public pages show figures up to 10/2025. On the 2024 map, the tổ dân
phố reports of 12/2024 wait for quận Thanh Khê's approver (``pheduyet``, the approval matrix
/nhap-lieu/duyet/): a ward reports itself, so its own figure, not its groups' sum, is in every total and
nothing published above the groups changes.
"""

from __future__ import annotations

from chiso.collection.models import Form, FormAssignment, FormElement, PeriodType, Status, Submission, SubmissionEvent
from chiso.demo.profiles import RESIDENTIAL_GROUP_ELEMENTS
from chiso.indicators.models import DataElement
from chiso.units.types import UnitType
from chiso.values.models import DataValue

COMMUNE_TYPES = [UnitType.WARD, UnitType.COMMUNE, UnitType.TOWNLET, UnitType.SPECIAL_ZONE]
STATE_OF_MONTH = {"2025-11": Status.SUBMITTED, "2025-12": Status.DRAFT}
GROUPS_WAITING = ("2024", "2024-12")  # (map version, month) of the tổ dân phố reports left submitted


def make_form(code: str, name_vi: str, name_en: str, types: list[str], period_type: str,
              element_codes: list[str], due_day: int = 10) -> Form:
    form, _ = Form.objects.update_or_create(code=code, defaults={
        "name_vi": name_vi, "name_en": name_en, "unit_types": types, "period_type": period_type,
        "due_day": due_day})
    elements = {e.code: e for e in DataElement.objects.filter(code__in=element_codes)}
    FormElement.objects.bulk_create(
        [FormElement(form=form, data_element=elements[c], order=i) for i, c in enumerate(element_codes)],
        ignore_conflicts=True)
    return form


def add_reports(commune_elements: list[str]) -> int:
    monthly = make_form("BC-CDS-THANG-XA", "Báo cáo CĐS tháng — cấp phường, xã",
                        "Monthly digital-transformation report — ward/commune", list(COMMUNE_TYPES),
                        PeriodType.MONTH, commune_elements, due_day=10)
    groups = make_form("BC-THANG-TDP", "Báo cáo tháng — tổ dân phố", "Monthly report — residential group",
                       [UnitType.RESIDENTIAL_GROUP], PeriodType.MONTH, list(RESIDENTIAL_GROUP_ELEMENTS),
                       due_day=5)
    real_elements = list(DataValue.objects.filter(is_illustrative=False).values_list(
        "data_element__code", flat=True).distinct().order_by("data_element__code"))
    published = make_form("SO-LIEU-CONG-BO", "Số liệu đã công bố (báo chí, báo cáo)",
                          "Figures already published (press, reports)", [], PeriodType.ANY, real_elements)
    cells: dict[tuple[int, int, str], str] = {}
    waiting = {(groups.id, unit_id, GROUPS_WAITING[1]) for unit_id in DataValue.objects.filter(
        unit__type=UnitType.RESIDENTIAL_GROUP, unit__version__name=GROUPS_WAITING[0]).values_list("unit_id", flat=True)}
    for form, query in ((monthly, DataValue.objects.filter(is_illustrative=True, unit__type__in=COMMUNE_TYPES)),
                        (groups, DataValue.objects.filter(unit__type=UnitType.RESIDENTIAL_GROUP)),
                        (published, DataValue.objects.filter(is_illustrative=False))):
        for unit_id, period in query.values_list("unit_id", "period").distinct():
            key = (form.id, unit_id, period)
            cells[key] = Status.SUBMITTED if key in waiting else STATE_OF_MONTH.get(period, Status.APPROVED)
    assignments = {(form_id, unit_id) for form_id, unit_id, _ in cells}
    FormAssignment.objects.bulk_create([FormAssignment(form_id=f, unit_id=u) for f, u in assignments],
                                       ignore_conflicts=True)
    made = set(Submission.objects.values_list("form_id", "unit_id", "period"))  # by a smaller build before
    Submission.objects.bulk_create([Submission(form_id=f, unit_id=u, period=p, status=s)
                                    for (f, u, p), s in cells.items() if (f, u, p) not in made], batch_size=2000)
    events = []
    for submission in Submission.objects.exclude(status=Status.DRAFT).filter(events=None).only("id", "status"):
        events.append(SubmissionEvent(submission=submission, action="demo", from_status=Status.DRAFT,
                                      to_status=submission.status, reason="Trạng thái dựng sẵn cho bản trình diễn"))
    SubmissionEvent.objects.bulk_create(events, batch_size=2000)
    return len(cells)



