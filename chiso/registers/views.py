"""The register pages (/so-theo-doi/): the registers of a unit, the list of one kind, an entry with its history,
the XLSX download and upload. Thin: they read through ``registers.queries`` (which decides what a reader may see:
public kinds for everyone, the others only for whoever may read the unit's unpublished figures; anything else is a
404) and write through ``registers.files`` / ``registers.actions``."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.access import can_read_register, can_read_unpublished, can_write_unit
from chiso.collection.queries import published
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement
from chiso.registers import queries
from chiso.registers.files import RegisterImportRefused, export_workbook, import_workbook
from chiso.registers.kinds import FEEDERS, KINDS, Kind
from chiso.registers.models import EntryEvent
from chiso.units.models import Unit
from chiso.values.models import DataValue

MAX_UPLOAD = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit(version: str, code: str) -> Unit:
    found = Unit.objects.select_related("version", "parent").filter(version__name=version, code=code).first()
    if found is None:
        raise Http404(_("Không có đơn vị này."))
    return found


def _kind(request: HttpRequest, unit: Unit, code: str) -> Kind:
    kind = KINDS.get(code)
    if kind is None or not can_read_register(request.user, unit, public=kind.public):
        raise Http404(_("Không có sổ theo dõi này, hoặc bạn không xem được."))
    return kind


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The units with entries the reader may see, newest map first."""
    rows = (queries.readable(request.user).filter(active=True).values("unit_id").annotate(n=Count("id"))
            .order_by())
    counted = {r["unit_id"]: r["n"] for r in rows}
    units = sorted(Unit.objects.filter(pk__in=counted).select_related("version", "parent"),
                   key=lambda u: (-(u.version.valid_from.toordinal() if u.version.valid_from else 0), u.path))
    return render(request, "registers/index.html", {
        "units": [(u, counted[u.pk]) for u in units], "kinds": list(KINDS.values()),
        "own": queries.own_units(request.user)})


@require_GET
def unit_page(request: HttpRequest, version: str, code: str) -> HttpResponse:
    unit = _unit(version, code)
    return render(request, "registers/unit.html", {
        "unit": unit, "kinds": queries.kinds_under(request.user, unit),
        "can_write": request.user.is_authenticated and can_write_unit(request.user, unit)})


@require_GET
def kind_page(request: HttpRequest, version: str, code: str, kind_code: str) -> HttpResponse:
    unit = _unit(version, code)
    kind = _kind(request, unit, kind_code)
    retired = request.GET.get("thoi-theo-doi") == "1"
    entries = list(queries.entries_under(request.user, unit, kind, retired=retired))
    rows = [(e, queries.shown(kind, e.attributes)) for e in entries]
    last = min(timezone.localdate(), unit.effective_to() or timezone.localdate())  # an ended map: its last month
    month = Period.of_month(last.year, last.month)
    codes = [f.element for f in kind.feeds]
    figures = DataValue.objects.filter(unit=unit, period=str(month), data_element__code__in=codes, is_deleted=False)
    if not can_read_unpublished(request.user, unit):
        figures = published(figures)  # a draft figure is the ward's and its superiors' until its report is approved
    fed = {v.data_element.code: v for v in figures.select_related("data_element")}
    names = dict(DataElement.objects.filter(code__in=codes).values_list("code", "name_vi"))
    kept = set(EntryEvent.objects.filter(unit=unit).values_list("entry__kind", flat=True).distinct())
    feeds = []
    for f in kind.feeds:
        others = [(k, k.describe(g)) for k, g in FEEDERS[f.element] if k.code != kind.code]
        missing = [k for k, _ in others if k.code not in kept] + ([kind] if others and kind.code not in kept else [])
        feeds.append((f, names.get(f.element, ""), kind.describe(f), fed.get(f.element), others, missing))
    return render(request, "registers/kind.html", {
        "unit": unit, "kind": kind, "rows": rows, "retired": retired, "feeds": feeds, "month": f"{month.start:%m/%Y}",
        "can_write": request.user.is_authenticated and can_write_unit(request.user, unit)})


@require_GET
def entry_page(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = queries.readable_entry(request.user, entry_id)
    if entry is None:
        raise Http404(_("Không có mục này, hoặc bạn không xem được."))
    kind = KINDS[entry.kind]
    events = [(event, [queries.show_change(kind, c) for c in event.changes]) for event in queries.history(entry)]
    return render(request, "registers/entry.html", {
        "entry": entry, "kind": kind, "shown": queries.shown(kind, entry.attributes), "events": events,
        "can_write": request.user.is_authenticated and can_write_unit(request.user, entry.unit)})


@require_GET
def download(request: HttpRequest, version: str, code: str) -> HttpResponse:
    unit = _unit(version, code)
    entries = list(queries.entries_under(request.user, unit, retired=True))
    response = HttpResponse(export_workbook(entries), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="so-theo-doi-{unit.version.name}-{unit.code}.xlsx"'
    return response


@require_POST
def upload(request: HttpRequest, version: str, code: str) -> HttpResponse:
    unit = _unit(version, code)
    if not request.user.is_authenticated:
        raise Http404(_("Không có đơn vị này."))
    file = request.FILES.get("tep")
    problems: list[str] = []
    summary = ""
    if file is None:
        problems = [_("Chọn một tệp .xlsx (tải tệp mẫu từ trang này, điền rồi tải lên).")]
    elif file.size is not None and file.size > MAX_UPLOAD:
        problems = [_("Tệp lớn hơn 5 MB: chia thành nhiều tệp.")]
    else:
        try:
            result = import_workbook(file.read(), acting_user=request.user)
        except RegisterImportRefused as refused:
            problems, summary = refused.problems, refused.summary
        else:
            messages.success(request, _("Đã nhập: %(a)s mục mới, %(c)s mục sửa, %(r)s mục thôi theo dõi, %(u)s mục "
                                        "không đổi.") % {"a": result.added, "c": result.changed,
                                                         "r": result.retired, "u": result.unchanged})
            return redirect("registers:unit", version=unit.version.name, code=unit.code)
    return render(request, "registers/unit.html", {
        "unit": unit, "kinds": queries.kinds_under(request.user, unit), "problems": problems, "summary": summary,
        "can_write": can_write_unit(request.user, unit)}, status=400)
