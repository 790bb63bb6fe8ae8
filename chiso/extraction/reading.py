"""The interface of the extraction app: figures proposed from a narrative report.

This module is the interface other code (the review page, the API, the CLI) builds on:

* ``Proposal``: one figure read out of a text, with exactly the fields of the issue's JSON;
* ``read_text(text, *, on=None, main_unit=None)``: the proposals of a text, in reading order;
* ``read_file(name, data, *, on=None, main_unit=None)``: the text of a plain-text (UTF-8), .docx or
  text-PDF file and its proposals; other files are refused with a Vietnamese ``ExtractionError``;
* ``as_json(proposals)``: ``{"figures": [...]}``.

Nothing here writes: a proposal is stored only after an officer reviews it (``do_set_values`` for actuals,
the plan actions for targets and plan counts).
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from chiso.units.models import Unit

__all__ = ["ExtractionError", "Proposal", "as_json", "read_file", "read_text"]

QualifierName = Literal["exact", "approximate", "at_least", "at_most"]  # chiso.values.models.Qualifier values
KindName = Literal["actual", "target", "plan_count"]


class ExtractionError(ValueError):
    """A file that cannot be read; ``message`` is in Vietnamese and says what to do."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Proposal:
    """One figure read out of a text, before anyone reviews it.

    ``start``/``end`` are the character offsets of the number in the whole text (``text[start:end]``);
    ``unit`` is the unit's name as found in the sentence (or the main unit's name), ``unit_code`` and
    ``unit_version`` identify it in the hierarchy version in force at the period; ``period`` is chiso
    period text ("2022", "2022-12", "2022-12-01"), taken from an earlier sentence of the paragraph when the
    figure's own names none (``period_carried``: the reviewer is told so).
    """

    value: Decimal
    qualifier: QualifierName
    of_total: Decimal | None
    measure: str
    data_element: str | None
    unit: str | None
    unit_code: str | None
    unit_version: str | None
    period: str | None
    kind: KindName
    sentence: str
    start: int
    end: int
    period_carried: bool = False  # the sentence names no period: ``period`` is an earlier sentence's

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: Decimals as strings in plain notation ("166039", "91.5")."""
        row = asdict(self)
        row["value"] = _plain(self.value)
        row["of_total"] = None if self.of_total is None else _plain(self.of_total)
        return row


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text


def read_text(text: str, *, on: date | None = None, main_unit: Unit | None = None) -> list[Proposal]:
    """The figures of ``text`` in reading order; ``on`` is the document's date ("đến nay"), ``main_unit``
    the unit a figure belongs to when its sentence names none."""
    from chiso.extraction.resolve import propose

    return propose(text, on=on, main_unit=main_unit)


def read_file(
    name: str, data: bytes, *, on: date | None = None, main_unit: Unit | None = None
) -> tuple[str, list[Proposal]]:
    """The text of a file and its proposals: plain text (UTF-8), .docx or a PDF with a text layer."""
    text = file_text(name, data)
    return text, read_text(text, on=on, main_unit=main_unit)


def file_text(name: str, data: bytes) -> str:
    """The text of an uploaded file, or an ``ExtractionError`` saying why not, in Vietnamese."""
    lower = name.lower()
    if lower.endswith(".docx"):
        return _docx_text(name, data)
    if lower.endswith(".pdf"):
        return _pdf_text(name, data)
    if lower.endswith((".txt", ".md", ".text")) or "." not in lower.rsplit("/", 1)[-1]:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ExtractionError(
                f"Tệp {name}: không đọc được dưới dạng văn bản UTF-8 (byte {error.start}). "
                "Hãy lưu lại tệp với mã hóa UTF-8 rồi tải lên lại."
            ) from error
    raise ExtractionError(
        f"Tệp {name}: không đọc được loại tệp này. Chỉ nhận văn bản thuần (.txt, UTF-8), "
        "Word (.docx) hoặc PDF có lớp chữ (.pdf); hãy chuyển tệp sang một trong các dạng đó."
    )


def _docx_text(name: str, data: bytes) -> str:
    import zipfile
    from xml.etree import ElementTree

    namespace = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            body = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as error:
        raise ExtractionError(
            f"Tệp {name}: không phải tệp Word .docx hợp lệ. Hãy mở tệp bằng Word và lưu lại dạng .docx."
        ) from error
    root = ElementTree.fromstring(body)
    paragraphs = []
    for paragraph in root.iter(f"{namespace}p"):
        paragraphs.append("".join(node.text or "" for node in paragraph.iter(f"{namespace}t")))
    return "\n".join(paragraphs)


def _pdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, OSError) as error:
        raise ExtractionError(f"Tệp {name}: không đọc được tệp PDF ({error}). Hãy xuất lại PDF từ Word.") from error
    text = "\n".join(pages).strip()
    if not text:
        raise ExtractionError(
            f"Tệp {name}: PDF không có lớp chữ (có thể là ảnh quét). Hãy dùng tệp Word hoặc PDF xuất từ Word."
        )
    return text


def as_json(proposals: list[Proposal]) -> dict[str, list[dict[str, Any]]]:
    """``{"figures": [...]}`` with the issue's fields, Decimals as plain strings."""
    return {"figures": [proposal.as_dict() for proposal in proposals]}
