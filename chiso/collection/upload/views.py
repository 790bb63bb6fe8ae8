"""The upload page: choose a file → preview (counts, changes old → new, errors with their place, warnings)
→ confirm. Plus the downloads around it: a form's template for the user's units, the preview as CSV, the
history written by the user's last import.

The views only parse the request, call ``collection.importer`` and render; they never write figures.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts.access import under, units_in_scope, unpublished_read_prefixes
from chiso.accounts.models import WRITE_ROLES
from chiso.collection import importer
from chiso.collection.exports import csv_bytes, history_export
from chiso.collection.importer.problems import ImportProblem
from chiso.collection.importer.resolve import NotFound, parse_period
from chiso.collection.importer.template import template_for
from chiso.collection.models import Form
from chiso.collection.upload import storage
from chiso.engine.periods import Period
from chiso.units.models import HierarchyVersion
from chiso.values.models import Channel, DataValueHistory
from chiso.web.language import message_in_page_language, page_language

SESSION_KEY = "chiso_upload"
MAX_BYTES = importer.MAX_UPLOAD_BYTES
MULTIPART_SLACK = 1024 * 1024  # form fields and multipart boundaries around the file itself
SHOWN_CHANGES = 500
TEMPLATE_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "csv": "text/csv; charset=utf-8"}

TOO_LARGE = (f"Tệp lớn hơn {MAX_BYTES // 1024 // 1024} MB. Chia tệp thành nhiều phần rồi tải lên từng phần.",
             f"The file is larger than {MAX_BYTES // 1024 // 1024} MB. "
             "Split it and upload the parts one by one.")
BUSY = ("Bạn đang tải lên một tệp khác. Chờ tệp đó xử lý xong rồi thử lại.",
        "You are already uploading another file. Wait until it is processed, then try again.")
NOT_YOURS = "(không có quyền xem)"  # the old value of a figure the user may not read
EXPIRED = ("Bản xem trước đã hết hạn hoặc không còn. Tải tệp lên lại.",
           "The preview has expired or is gone. Upload the file again.")


def _lang() -> str:
    return "en" if page_language() == "en" else "vi"


def _page(request: HttpRequest, status: int = 200, **context: object) -> HttpResponse:
    lang = _lang()
    message = context.pop("message", None)
    if isinstance(message, tuple):
        context["message"] = message[1] if lang == "en" else message[0]
    today = timezone.localdate()
    last_month = Period.for_date(date(today.year, today.month, 1), "month").previous()
    return render(request, "collection/upload/upload.html", {
        "forms": Form.objects.exclude(period_type="any").order_by("code"),
        "versions": HierarchyVersion.objects.all(),
        "default_period": str(last_month),
        "max_mb": MAX_BYTES // 1024 // 1024,
        "lang": lang,
        **context,
    }, status=status)


class _SizeLimit(FileUploadHandler):
    """Stops reading an upload as soon as its file passes the limit (a client may lie about its length)."""

    def __init__(self, request: HttpRequest, limit: int):
        super().__init__(request)
        self.limit, self.seen, self.exceeded = limit, 0, False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@csrf_exempt  # the CSRF check reads the body; the size is checked first, then _upload checks CSRF
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES + MULTIPART_SLACK:
        return _page(request, 413, message=TOO_LARGE)  # refused before the body is read
    limit = _SizeLimit(request, MAX_BYTES)
    request.upload_handlers.insert(0, limit)
    return _upload(request, limit)


@csrf_protect
def _upload(request: HttpRequest, limit: _SizeLimit) -> HttpResponse:
    with storage.upload_lock(request.user.pk) as held:
        if not held:
            return _page(request, 409, message=BUSY)
        upload_file = request.FILES.get("file")
        if limit.exceeded or (upload_file is not None and (upload_file.size or 0) > MAX_BYTES):
            return _page(request, 413, message=TOO_LARGE)
        if upload_file is None:
            return _page(request, message=("Chọn một tệp CSV hoặc XLSX để tải lên.",
                                           "Choose a CSV or XLSX file to upload."))
        content = upload_file.read()
        name = (upload_file.name or "tệp").rsplit("/", 1)[-1][:120]
        hierarchy = request.POST.get("hierarchy", "").strip() or None
        found = importer.preview(name, content, acting_user=request.user, hierarchy=hierarchy)
        token = storage.keep(request.user.pk, content)
        previous = request.session.get(SESSION_KEY)
        if previous:
            storage.forget(request.user.pk, previous.get("token", ""))
        request.session[SESSION_KEY] = {"token": token, "name": name, "hierarchy": hierarchy}
        return _page(request, **_preview_context(found, token))


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    with storage.upload_lock(request.user.pk) as held:
        if not held:
            return _page(request, 409, message=BUSY)
        kept = request.session.get(SESSION_KEY) or {}
        token = request.POST.get("token", "")
        content = storage.load(request.user.pk, token) if token and token == kept.get("token") else None
        if content is None:
            return _page(request, message=EXPIRED)
        found = _preview_again(request, kept, content)
        if found.digest != request.POST.get("digest"):
            return _page(request, **_preview_context(found, token), message=(
                "Số liệu đã thay đổi kể từ lúc xem trước (có người vừa sửa). Xem lại bản xem trước dưới đây "
                "rồi xác nhận lại.",
                "Figures have changed since the preview (someone just edited them). Check the preview below "
                "and confirm again."))
        try:
            result = importer.commit(found, acting_user=request.user)
        except importer.ImportRefused as refused:
            found.problems = refused.problems
            return _page(request, **_preview_context(found, token))
        storage.forget(request.user.pk, token)
        del request.session[SESSION_KEY]
        return _page(request, done=result, done_name=kept["name"])


def _preview_again(request: HttpRequest, kept: dict[str, str], content: bytes) -> importer.Preview:
    """The file kept since its upload, previewed again against the figures stored now."""
    return importer.preview(kept["name"], content, acting_user=request.user, hierarchy=kept.get("hierarchy"))


def _preview_context(found: importer.Preview, token: str) -> dict[str, object]:
    lang = _lang()
    return {
        "preview": found,
        "token": token,
        "problems": [_problem(p, lang) for p in found.problems],
        "warnings": [_problem(p, lang) for p in found.warnings],
        "change_rows": found.change_rows(SHOWN_CHANGES),
        "more_changes": max(0, found.changed - SHOWN_CHANGES),
        "violations": [message_in_page_language(v) for v in found.violations],
        "outliers": [message_in_page_language(o) for o in found.outliers],
    }


def _problem(problem: ImportProblem, lang: str) -> dict[str, object]:
    return {"where": problem.where(lang), "message": problem.message(lang), "problem": problem}


@login_required
@require_GET
def template_download(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("fmt", "xlsx")
    form = Form.objects.filter(code=request.GET.get("form", "")).first()
    if form is None or fmt not in TEMPLATE_TYPES:
        return _page(request, 404, message=("Không có biểu mẫu này.", "No such form."))
    try:
        period = parse_period(request.GET.get("period", ""))
    except NotFound as error:
        return _page(request, message=(error.vi, error.en))
    units = units_in_scope(request.user, WRITE_ROLES).filter(
        version__in=[v for v in HierarchyVersion.objects.all() if v.covers(period.end)])
    if form.unit_types:
        units = units.filter(type__in=form.unit_types)
    units = units.select_related("version").order_by("path")
    if not units.exists():
        return _page(request, message=(
            f"Bạn không phụ trách đơn vị nào dùng biểu mẫu {form.code} vào kỳ {period}.",
            f"You are in charge of no unit that uses form {form.code} in {period}."))
    content = template_for(form, list(units), period, fmt)
    response = HttpResponse(content, content_type=TEMPLATE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{form.code}_{period}.{fmt}"'
    return response


@login_required
@require_GET
def preview_download(request: HttpRequest) -> HttpResponse:
    """The current preview as a CSV: one line per fault, then per figure with what importing would do."""
    kept = request.session.get(SESSION_KEY) or {}
    content = storage.load(request.user.pk, kept.get("token", ""))
    if content is None:
        return _page(request, message=EXPIRED)
    found = _preview_again(request, kept, content)
    lang = _lang()
    header = ["Loại", "Trang", "Dòng", "Cột", "Mã đơn vị", "Đơn vị", "Mã chỉ tiêu", "Kỳ", "Giá trị cũ",
              "Giá trị mới", "Ghi chú"]
    rows: list[list[object]] = []
    for kind, listed in (("Lỗi", found.problems), ("Lưu ý", found.warnings)):
        for p in listed:
            rows.append([kind, p.sheet or "", p.row or "", p.column or "", *[""] * 6, p.message(lang)])
    statuses = {"new": "Mới", "changed": "Thay đổi", "unchanged": "Không đổi"}
    may_read = unpublished_read_prefixes(request.user)
    for item in found.items:
        state = found.stored.get(item.key)
        old = "" if state is None else importer.figure_text(state.value, state.qualifier)
        status = statuses[found.status_of(item)]
        if not under(may_read, item.unit):  # the stored figure of a unit whose drafts the user may not read
            old, status = NOT_YOURS, "Không rõ"
        where = found.where(item)
        new = importer.figure_text(item.value, item.qualifier)
        rows.append([status, where["sheet"] or "", item.row, where["column"] or "", item.unit.code,
                     item.unit.name, item.element.code, str(item.period), old, new, ""])
    response = HttpResponse(csv_bytes(header, rows), content_type=TEMPLATE_TYPES["csv"])
    response["Content-Disposition"] = 'attachment; filename="xem-truoc.csv"'
    return response


@login_required
@require_GET
def history_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """What the user's last import wrote: its history rows (old → new, who, when)."""
    if fmt not in TEMPLATE_TYPES:
        return _page(request, 404, message=("Chỉ có tệp .csv hoặc .xlsx.", "Only .csv or .xlsx."))
    mine = DataValueHistory.objects.filter(changed_by=request.user, channel=Channel.IMPORT)
    may_read = unpublished_read_prefixes(request.user)
    if may_read is not None:  # only figures of units the user may still read (a role may have been revoked)
        units = Q(pk__in=[])
        for prefix in may_read:
            units |= Q(data_value__unit__path__startswith=prefix)
        mine = mine.filter(units)
    last = mine.order_by("-changed_at").values_list("changed_at", flat=True).first()
    rows = mine.filter(changed_at=last).select_related(
        "data_value__data_element", "data_value__unit__version", "changed_by",
    ).order_by("data_value_id", "revision")
    response = HttpResponse(history_export(rows if last else [], fmt), content_type=TEMPLATE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="lich-su-nhap.{fmt}"'
    return response
