"""The "Dữ liệu mở" pages and downloads (``/du-lieu-mo/``). They parse the request, call the catalogue
(``opendata.catalogue``) or the files (``opendata.distributions``) and render; everything is public and
built only from published figures."""

from __future__ import annotations

import hashlib
import os
import tempfile

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from chiso import conf
from chiso.indicators.models import Pillar
from chiso.opendata import catalogue, distributions


def dataset_list(request: HttpRequest) -> HttpResponse:
    every = catalogue.datasets()
    q = request.GET.get("q", "").strip()
    pillar = request.GET.get("tru-cot", "").strip().upper()
    year_text = request.GET.get("nam", "").strip()
    year = int(year_text) if year_text.isdigit() else None
    found = catalogue.search(every, q, pillar, year)
    return render(request, "opendata/list.html", {
        "datasets": found, "total": len(every), "q": q, "pillar": pillar, "year": year,
        "pillars": Pillar.objects.order_by("order", "code"), "years": sorted({d.year for d in every}, reverse=True),
        "publisher": catalogue.publisher(), "licence": catalogue.licence(),
    })


def dataset_page(request: HttpRequest, slug: str) -> HttpResponse:
    found = catalogue.dataset(slug)
    if found is None:
        raise Http404("Không có tập dữ liệu mở này (hoặc chưa có số liệu nào được công bố).")
    return render(request, "opendata/dataset.html", {"ds": distributions.sized(found)})


def download(request: HttpRequest, slug: str, level: str, fmt: str) -> HttpResponse:
    found = catalogue.dataset(slug)
    if found is None or fmt not in catalogue.FORMATS or found.distribution(level, fmt) is None:
        raise Http404("Không có tệp này: tên tệp là <cấp>.<định dạng>, cấp thanh-pho, phuong-xa hoặc "
                      "to-dan-pho, định dạng csv, json hoặc xlsx.")
    language = "en" if request.GET.get("lang") == "en" else "vi"
    body = distributions.render(found, level, fmt, language)
    media = catalogue.FORMATS[fmt][1] + ("; charset=utf-8" if fmt in ("csv", "json") else "")
    response = HttpResponse(body, content_type=media)
    response["Content-Disposition"] = f'attachment; filename="{distributions.file_name(found, level, fmt)}"'
    return response


def bulk(request: HttpRequest) -> FileResponse:
    """Every distribution (CSV) and a README, zipped once per data stamp and publisher and licence setting into
    the data folder (every dataset's rows are too much work for each request) and streamed from there."""
    from chiso.portal.queries import data_stamp

    folder = conf.data_dir() / "opendata"
    folder.mkdir(exist_ok=True)
    stamp = "|".join([data_stamp(), *(conf.env_str(name) for name in catalogue.SETTINGS_READ)])
    path = folder / f"tat-ca-{hashlib.sha1(stamp.encode()).hexdigest()}.zip"
    if not path.exists():
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as target:
            try:
                distributions.write_zip(target)
            except BaseException:
                os.unlink(target.name)
                raise
        os.replace(target.name, path)  # readers see a whole archive or none
        for old in folder.glob("tat-ca-*.zip"):
            if old != path:
                old.unlink(missing_ok=True)
    return FileResponse(path.open("rb"), as_attachment=True, filename="chiso-du-lieu-mo.zip",
                        content_type="application/zip")

