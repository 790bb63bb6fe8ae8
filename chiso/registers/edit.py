"""The web forms for one register entry: add one to a unit's register, change one (name, attributes, the day it
takes effect, with the revision the writer saw), retire one (with a reason). Thin: they parse the form and format
the answer; every rule (who may write, what a value may be, which day, the revision check) is in
``registers.actions`` (``do_add_entry``, ``do_change_entry``, ``do_retire_entry``), whose refusal names the field
the form shows it at.

Only whoever may write the unit (``accounts.access.can_write_unit``) gets a form: anyone else signed in gets a 404
(as if the form did not exist), on GET and POST alike; a visitor not signed in is sent to sign in. A refused form
is drawn again with what was typed and the error at its field, answered 200 like any form to correct.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chiso.accounts.access import can_read_register, can_write_unit
from chiso.registers import queries
from chiso.registers.actions import RegisterError, do_add_entry, do_change_entry, do_retire_entry
from chiso.registers.kinds import KINDS, Attribute, Kind, Value
from chiso.registers.models import Entry
from chiso.units.models import Unit

ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
VN_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
NAME, DAY, REASON, REVISION = "ten", "hieu-luc", "ly-do", "lan-sua"
FIELD_OF = {"name": NAME, "effective_on": DAY, "reason": REASON, "revision": REVISION}  # action field → form field


class FormFault(ValueError):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(message)


@dataclass
class Field:
    """One form field as the template draws it."""

    name: str
    label: str
    type: str  # text | integer | date | select | textarea
    value: str
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    hint: str = ""
    error: str = ""


def parse_day(raw: str) -> date | None:
    """The day typed (2026-03-10 from a date picker, or 10/03/2026); None when empty (the action takes today)."""
    text = (raw or "").strip()
    if not text:
        return None
    iso, vn = ISO_DAY.match(text), VN_DAY.match(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if vn:
            return date(int(vn[3]), int(vn[2]), int(vn[1]))
    except ValueError:
        pass
    raise FormFault(DAY, _("Ngày '%(d)s' không hợp lệ: ghi theo dạng ngày/tháng/năm, ví dụ 10/03/2026.")
                    % {"d": text[:20]})


def parse_revision(raw: str) -> int:
    try:
        return int((raw or "").strip())
    except ValueError:
        raise FormFault(REVISION, _("Mở lại trang rồi sửa: không rõ bạn đã thấy lần sửa nào.")) from None


def _attribute_field(attribute: Attribute, value: str) -> Field:
    label = _(attribute.label)
    name = f"a-{attribute.code}"
    choices: tuple[tuple[str, str], ...]
    if attribute.type == "yes_no":
        choices = ((("", "–"),) if not attribute.required else (("", _("— chọn —")),)) + (
            ("có", _("có")), ("không", _("không")))
        return Field(name, label, "select", value, choices, attribute.required)
    if attribute.type == "choice":
        choices = (("", _("— chọn —") if attribute.required else "–"),) + tuple(
            (code, _(text)) for code, text in attribute.choices)
        return Field(name, label, "select", value, choices, attribute.required)
    hint = ""
    if attribute.type == "list":
        hint = _("Cách nhau bằng dấu ';', ví dụ: Postmart; Shopee")
    elif attribute.type == "integer":
        hint = _("Số nguyên, ví dụ 1.889")
    return Field(name, label, "integer" if attribute.type == "integer" else "text", value, (), attribute.required, hint)


def _shown(attribute: Attribute, value: Value) -> str:
    """A stored value as the form holds it (what the attribute parses back)."""
    if attribute.type == "yes_no":
        return "" if value is None else ("có" if value else "không")
    if attribute.type == "choice":
        return "" if value is None else str(value)
    return attribute.show(value)


def _last_day(unit: Unit) -> date:
    today = timezone.localdate()
    end = unit.effective_to()
    return min(today, end) if end else today


def _writable(request: HttpRequest, unit: Unit, kind: Kind) -> HttpResponse | None:
    """None when the user may write ``unit``'s register of ``kind``; a redirect to sign in for a visitor; else 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("entry:login"))
    if not (can_write_unit(request.user, unit) and can_read_register(request.user, unit, public=kind.public)):
        raise Http404(_("Không có sổ theo dõi này, hoặc bạn không sửa được."))
    return None


def _place(error: RegisterError | FormFault, fields: list[Field]) -> str:
    """Put the error at its field; the message when no field of the form holds it (shown above the form)."""
    wanted = FIELD_OF.get(error.field, error.field if isinstance(error, FormFault) else f"a-{error.field}")
    for field in fields:
        if field.name == wanted:
            field.error = error.message
            return ""
    return error.message


def _attributes(request: HttpRequest, kind: Kind) -> dict[str, object]:
    return {a.code: request.POST.get(f"a-{a.code}", "") for a in kind.attributes}


@require_http_methods(["GET", "POST"])
def add_entry(request: HttpRequest, version: str, code: str, kind_code: str) -> HttpResponse:
    unit = Unit.objects.select_related("version", "parent").filter(version__name=version, code=code).first()
    kind = KINDS.get(kind_code)
    if unit is None or kind is None:
        raise Http404(_("Không có sổ theo dõi này."))
    refused = _writable(request, unit, kind)
    if refused is not None:
        return refused
    data = request.POST if request.method == "POST" else {}
    fields = [Field(NAME, _("Tên"), "text", data.get(NAME, ""), required=True)]
    fields += [_attribute_field(a, data.get(f"a-{a.code}", "")) for a in kind.attributes]
    fields += [Field(DAY, _("Ngày hiệu lực"), "date", data.get(DAY, f"{_last_day(unit):%Y-%m-%d}"), required=True,
                     hint=_("Ngày mục bắt đầu có (số liệu được ghi từ tháng này)")),
               Field(REASON, _("Ghi chú, nguồn"), "textarea", data.get(REASON, ""))]
    problem = ""
    if request.method == "POST":
        try:
            entry = do_add_entry(kind.code, unit, request.POST.get(NAME, ""), _attributes(request, kind),
                                 acting_user=request.user, effective_on=parse_day(request.POST.get(DAY, "")),
                                 reason=request.POST.get(REASON, ""))
        except (RegisterError, FormFault) as error:
            problem = _place(error, fields)
        else:
            messages.success(request, _("Đã thêm '%(n)s' vào sổ. Số liệu sổ ghi vào chỉ tiêu đã được cập nhật.")
                             % {"n": entry.name})
            return redirect("registers:kind", version=unit.version.name, code=unit.code, kind_code=kind.code)
    return render(request, "registers/entry_form.html", {
        "unit": unit, "kind": kind, "fields": fields, "problem": problem, "mode": "add",
        "action": request.path})


def _own_entry(request: HttpRequest, entry_id: int) -> tuple[Entry | None, Kind | None, HttpResponse | None]:
    entry = queries.readable_entry(request.user, entry_id)
    if entry is None:
        if not request.user.is_authenticated:
            return None, None, redirect_to_login(request.get_full_path(), reverse("entry:login"))
        raise Http404(_("Không có mục này, hoặc bạn không xem được."))
    kind = KINDS[entry.kind]
    return entry, kind, _writable(request, entry.unit, kind)


@require_http_methods(["GET", "POST"])
def change_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry, kind, refused = _own_entry(request, entry_id)
    if refused is not None or entry is None or kind is None:
        return refused  # type: ignore[return-value]
    if not entry.active:
        raise Http404(_("Mục đã thôi theo dõi: không sửa được."))
    posted = request.method == "POST"
    data = request.POST if posted else {}

    def given(name: str, stored: str) -> str:
        return data.get(name, "") if posted else stored

    fields = [Field(NAME, _("Tên"), "text", given(NAME, entry.name), required=True)]
    fields += [_attribute_field(a, given(f"a-{a.code}", _shown(a, entry.attributes.get(a.code))))
               for a in kind.attributes]
    fields += [Field(DAY, _("Ngày hiệu lực"), "date", given(DAY, f"{_last_day(entry.unit):%Y-%m-%d}"), required=True,
                     hint=_("Từ ngày %(d)s trở đi (lần ghi trước có hiệu lực từ ngày đó)")
                     % {"d": f"{entry.effective_on:%d/%m/%Y}"}),
               Field(REASON, _("Lý do sửa"), "textarea", given(REASON, ""))]
    revision = data.get(REVISION, str(entry.revision)) if posted else str(entry.revision)
    problem = ""
    if posted:
        try:
            do_change_entry(entry, acting_user=request.user, name=request.POST.get(NAME, ""),
                            attributes=_attributes(request, kind), effective_on=parse_day(request.POST.get(DAY, "")),
                            reason=request.POST.get(REASON, ""),
                            expected_revision=parse_revision(request.POST.get(REVISION, "")))
        except (RegisterError, FormFault) as error:
            problem = _place(error, fields)
        else:
            messages.success(request, _("Đã lưu. Số liệu sổ ghi vào chỉ tiêu đã được cập nhật."))
            return redirect("registers:entry", entry_id=entry.pk)
    return render(request, "registers/entry_form.html", {
        "unit": entry.unit, "kind": kind, "entry": entry, "fields": fields, "problem": problem, "mode": "change",
        "revision": revision, "action": request.path})


@require_http_methods(["GET", "POST"])
def retire_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry, kind, refused = _own_entry(request, entry_id)
    if refused is not None or entry is None or kind is None:
        return refused  # type: ignore[return-value]
    if not entry.active:
        raise Http404(_("Mục đã thôi theo dõi từ trước."))
    posted = request.method == "POST"
    data = request.POST if posted else {}
    fields = [Field(REASON, _("Lý do thôi theo dõi"), "textarea", data.get(REASON, ""), required=True,
                    hint=_("Ví dụ: chợ đã giải tỏa; sản phẩm hết hạn chứng nhận OCOP")),
              Field(DAY, _("Ngày hiệu lực"), "date", data.get(DAY, f"{_last_day(entry.unit):%Y-%m-%d}"), required=True,
                    hint=_("Từ ngày này mục không còn được đếm"))]
    revision = data.get(REVISION, str(entry.revision)) if posted else str(entry.revision)
    problem = ""
    if posted:
        try:
            do_retire_entry(entry, acting_user=request.user, reason=request.POST.get(REASON, ""),
                            effective_on=parse_day(request.POST.get(DAY, "")),
                            expected_revision=parse_revision(request.POST.get(REVISION, "")))
        except (RegisterError, FormFault) as error:
            problem = _place(error, fields)
        else:
            messages.success(request, _("Đã thôi theo dõi '%(n)s'. Số liệu sổ ghi vào chỉ tiêu đã được cập nhật.")
                             % {"n": entry.name})
            return redirect("registers:entry", entry_id=entry.pk)
    return render(request, "registers/entry_form.html", {
        "unit": entry.unit, "kind": kind, "entry": entry, "fields": fields, "problem": problem, "mode": "retire",
        "revision": revision, "action": request.path})
