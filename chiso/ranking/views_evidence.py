"""An evidence file of a self-assessment, downloaded: /xep-hang/<round>/<unit code>/bang-chung/<assessment>/.

Readable by exactly who may read the scorecard (``views.readable_round`` and ``views.readable_card``:
``accounts.access.can_read_scorecard`` with the round's published flag); anyone else, and a claim without a
file, gets a 404. Always an attachment, with the content type its first bytes were checked as
(``ranking.evidence``; never HTML) and ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from chiso.ranking.evidence import CONTENT_TYPES
from chiso.ranking.views import readable_card, readable_round


@require_GET
def evidence_file(request: HttpRequest, round_id: int, code: str, assessment_id: int) -> FileResponse:
    round_ = readable_round(request, round_id)
    card = readable_card(request, round_, code)
    found = card.assessments.filter(pk=assessment_id).exclude(evidence_file="").first()
    if found is None:
        raise Http404("Không có tệp kiểm chứng này.")
    try:
        opened = found.evidence_file.storage.open(found.evidence_file.name or "", "rb")
    except (FileNotFoundError, IsADirectoryError):
        raise Http404("Tệp kiểm chứng không còn trên máy chủ; đơn vị cần gửi lại.") from None
    kind = found.evidence_file_type if found.evidence_file_type in CONTENT_TYPES else "application/octet-stream"
    response = FileResponse(opened, as_attachment=True, filename=found.evidence_file_name or "bang-chung",
                            content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if not round_.is_published else "private"
    return response
