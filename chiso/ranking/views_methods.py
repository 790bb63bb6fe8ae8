"""The methods pages (/xep-hang/phuong-phap/): every ranking method and criteria set with its versions, a version
as the published table (STT, chỉ số, điểm tối đa, cách tính điểm, tài liệu kiểm chứng, nguồn, đơn vị xác minh),
its downloads (CSV, XLSX) and, for a city administrator, the upload of a new version (``methods.do_load_method``
owns every check; this page only hands it the files and shows its faults by file, row and column).

Methods are public reference data: anyone reads and downloads them, as a published decision's annex.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chiso.accounts.access import can_manage_methods
from chiso.ranking import pages
from chiso.ranking.methods import MethodError, do_load_method, export_csv, export_xlsx
from chiso.ranking.models import Method, MethodKind
from chiso.units.types import UnitType

MAX_UPLOAD = 2 * 1024 * 1024  # a method table is a few kilobytes; 2 MB leaves room for a workbook
SUFFIXES = (".csv", ".xlsx")


@require_http_methods(["GET", "POST"])
def methods(request: HttpRequest) -> HttpResponse:
    """Every method, newest version first; a city administrator may upload a new version."""
    manages = request.user.is_authenticated and can_manage_methods(request.user)
    problems: list[str] = []
    typed = {"code": "", "name": "", "kind": MethodKind.INDEX, "reason": "", "illustrative": False}
    if request.method == "POST":
        if not manages:
            return HttpResponse(_("Bạn không có quyền nạp phương pháp xếp hạng: chỉ quản trị cấp thành phố."),
                                status=403)
        typed = {"code": request.POST.get("code", "").strip(), "name": request.POST.get("name", "").strip(),
                 "kind": request.POST.get("kind", MethodKind.INDEX), "reason": request.POST.get("reason", "").strip(),
                 "illustrative": request.POST.get("illustrative") == "on"}
        method, problems = _upload(request, typed)
        if method is not None:
            done = {"name": method.name, "v": method.version}
            messages.success(request, _("Đã nạp %(name)s, phiên bản %(v)s.") % done)
            return HttpResponseRedirect(reverse("ranking:method", args=[method.code, method.version]))
    by_code: dict[str, list[Method]] = {}
    for method in Method.objects.order_by("code", "-version"):
        by_code.setdefault(method.code, []).append(method)
    return render(request, "ranking/methods.html", {
        "families": list(by_code.values()), "manages": manages, "problems": problems, "typed": typed,
        "kinds": MethodKind.choices}, status=400 if problems else 200)


def _upload(request: HttpRequest, typed: dict[str, object]) -> tuple[Method | None, list[str]]:
    definition = request.FILES.get("definition")
    grades = request.FILES.get("grades")
    problems = [text for text in (_file_problem(definition, _("tệp phương pháp"), required=True),
                                  _file_problem(grades, _("tệp xếp loại"), required=False)) if text]
    if problems:
        return None, problems
    assert definition is not None
    with tempfile.TemporaryDirectory() as folder:
        paths = [_saved(upload, Path(folder), prefix) for upload, prefix in ((definition, "pp"), (grades, "xl"))
                 if upload is not None]
        try:
            method = do_load_method(
                str(typed["code"]), paths[0], grades=paths[1] if len(paths) > 1 else None, acting_user=request.user,
                name=str(typed["name"]), kind=str(typed["kind"]), is_illustrative=bool(typed["illustrative"]),
                reason=str(typed["reason"]))
        except MethodError as error:
            return None, error.problems
    return method, []


def _file_problem(upload: UploadedFile | None, what: str, *, required: bool) -> str:
    if upload is None:
        return _("Chưa chọn %(what)s (CSV UTF-8 hoặc XLSX).") % {"what": what} if required else ""
    if not (upload.name or "").lower().endswith(SUFFIXES):
        return _("%(name)s: chỉ nhận tệp .csv hoặc .xlsx.") % {"name": upload.name}
    if (upload.size or 0) > MAX_UPLOAD:
        return _("%(name)s: tệp lớn hơn 2 MB; một bảng phương pháp chỉ vài KB.") % {"name": upload.name}
    return ""


def _saved(upload: UploadedFile, folder: Path, prefix: str) -> Path:
    """The upload under its own name (faults name the file the officer chose), in a private folder."""
    name = Path(upload.name or f"{prefix}.csv").name
    path = folder / prefix / name
    path.parent.mkdir()
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def _method(code: str, version: int) -> Method:
    found = Method.objects.filter(code=code, version=version).first()
    if found is None:
        raise Http404("Không có phương pháp này.")
    return found


@require_GET
def method(request: HttpRequest, code: str, version: int) -> HttpResponse:
    """One version as the published table, its grade bands, the rounds that used it, its downloads."""
    found = _method(code, version)
    components = list(found.components.all())
    parents = {c.code: c.parent for c in components}

    def depth(code: str) -> int:  # a parent may come before or after its children; loading refused cycles
        steps, parent = 0, parents.get(code, "")
        while parent and steps < len(parents):
            steps, parent = steps + 1, parents.get(parent, "")
        return steps

    def applies(text: str) -> str:
        kinds = [t.strip() for t in text.replace(",", ";").split(";") if t.strip()]
        return ", ".join(str(UnitType(k).label).lower() if k in UnitType.values else k for k in kinds)

    rows = [{"c": c, "depth": depth(c.code), "rule": pages.rule_words(c.rule, c.params, float(c.max_points)),
             "applies": applies(c.applies_to)} for c in components]
    versions = list(Method.objects.filter(code=code).order_by("-version").values_list("version", flat=True))
    return render(request, "ranking/method.html", {
        "method": found, "rows": rows, "grades": list(found.grades.all()), "versions": versions,
        "rounds": list(found.rounds.filter(status="published").order_by("-year"))})


@require_GET
def method_download(request: HttpRequest, code: str, version: int, part: str, fmt: str) -> HttpResponse:
    """``phuong-phap.csv`` / ``.xlsx`` (the workbook holds the grade bands too) and ``xep-loai.csv``."""
    found = _method(code, version)
    base = f"{found.code}-v{found.version}"
    if fmt == "xlsx" and part == "phuong-phap":
        response = HttpResponse(export_xlsx(found),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{base}.xlsx"'
        return response
    if fmt != "csv" or part not in ("phuong-phap", "xep-loai"):
        raise Http404("Không có tệp này.")
    table, grades = export_csv(found)
    text = table if part == "phuong-phap" else grades
    if text is None:
        raise Http404("Bộ tiêu chí không có xếp loại.")
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{base}-{part}.csv"'
    return response
