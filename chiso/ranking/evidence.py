"""Evidence files of a self-assessment (tệp kiểm chứng): which files a unit may attach and how they are named.

Only PDF, JPEG, PNG, DOCX and XLSX, recognised by their first bytes and not only by their name (an HTML page
renamed .pdf is refused; DOCX and XLSX are ZIP files holding ``word/document.xml`` or ``xl/workbook.xml``), at
most ``settings.EVIDENCE_FILE_MAX_BYTES`` (``CHISO_EVIDENCE_FILE_MAX_MB``). The name the unit gave is kept only
to show and to download under: no folder parts, no control or text-direction characters. On disk the file is
``bang-chung/<round id>/<assessment id>/<ASCII name>`` in the data folder (``ranking.models.evidence_path``),
a path that names no unit.

``read`` does the checking; ``ranking.actions.do_claim`` calls it and turns ``FileRefused`` into its refusal.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from chiso.engine.numbers import format_number
from chiso.engine.text import fold

MB = 1024 * 1024
LONGEST_NAME = 200  # Assessment.evidence_file_name


@dataclass(frozen=True)
class Kind:
    label: str
    extensions: tuple[str, ...]
    content_type: str


KINDS = {
    "pdf": Kind("PDF", (".pdf",), "application/pdf"),
    "jpeg": Kind("JPEG", (".jpg", ".jpeg"), "image/jpeg"),
    "png": Kind("PNG", (".png",), "image/png"),
    "docx": Kind("DOCX", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": Kind("XLSX", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
CONTENT_TYPES = frozenset(kind.content_type for kind in KINDS.values())
EXTENSIONS = ", ".join(ext for kind in KINDS.values() for ext in kind.extensions)
ACCEPT = ",".join([*(ext for kind in KINDS.values() for ext in kind.extensions), *sorted(CONTENT_TYPES)])

Upload = UploadedFile | tuple[str, bytes]


class FileRefused(ValueError):
    """The file cannot be kept as evidence; ``message`` says why and what to do, in Vietnamese."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class EvidenceFile:
    name: str  # as the unit named it, cleaned: shown and used as the download's name
    stored_name: str  # ASCII, for the disk
    content: bytes
    content_type: str  # from the first bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def display_name(raw: str) -> str:
    """The name a file is shown and downloaded under: the last part of a path, without control or
    text-direction characters, spaces collapsed, no leading dot, at most 200 characters (the extension kept).

    >>> display_name("../../x.pdf")
    'x.pdf'
    >>> display_name("C:\\\\Users\\\\Lan\\\\Biên  bản họp.pdf")
    'Biên bản họp.pdf'
    >>> display_name("hoa-don\\u202efdp.exe"), display_name("a\\x00b\\nc.pdf"), display_name(" .. ")
    ('hoa-donfdp.exe', 'ab c.pdf', '')
    >>> len(display_name("a" * 300 + ".pdf")), display_name("a" * 300 + ".pdf")[-5:]
    (200, 'a.pdf')
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or not unicodedata.category(ch)
                   .startswith("C"))
    text = re.split(r"[/\\]", text)[-1]
    text = re.sub(r" +", " ", text).strip(" ").lstrip(".").rstrip(". ")
    if len(text) > LONGEST_NAME:
        stem, dot, ext = text.rpartition(".")
        ext = dot + ext if stem and len(ext) < 10 else ""
        text = (stem if ext else text)[:LONGEST_NAME - len(ext)] + ext
    return text


def stored_name(name: str) -> str:
    """The ASCII name on disk: the display name folded and hyphenated, its extension in lower case.

    >>> stored_name("Biên bản họp quý II.PDF"), stored_name("đ.docx"), stored_name("###.png")
    ('bien-ban-hop-quy-ii.pdf', 'd.docx', 'tep.png')
    """
    stem, _, ext = name.rpartition(".")
    slug = re.sub(r"[^a-z0-9]+", "-", fold(stem))
    slug = slug.encode("ascii", "ignore").decode().strip("-")[:60].strip("-")
    return f"{slug or 'tep'}.{ext.lower()}"


def sniff(content: bytes) -> str | None:
    """The kind the first bytes say (``KINDS``' keys), or None.

    >>> sniff(b"%PDF-1.7 ..."), sniff(b"\\xff\\xd8\\xff\\xe0"), sniff(b"\\x89PNG\\r\\n\\x1a\\n"), sniff(b"<html>")
    ('pdf', 'jpeg', 'png', None)
    >>> sniff(b"PK\\x03\\x04 not a zip")
    """
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def size_text(size: int) -> str:
    """A file's size in Vietnamese: 980 byte, 12 KB, 1,5 MB.

    >>> size_text(980), size_text(12_345), size_text(1_572_864), size_text(10 * MB)
    ('980 byte', '12 KB', '1,5 MB', '10 MB')
    """
    if size < 1024:
        return f"{format_number(size)} byte"
    if size < MB:
        return f"{format_number(round(size / 1024))} KB"
    return f"{format_number(round(size / MB, 1))} MB"


def read(upload: Upload, limit: int) -> EvidenceFile:
    """The uploaded file (a Django ``UploadedFile``, or a ``(name, bytes)`` pair) checked: an allowed kind by
    both its extension and its first bytes, not empty, at most ``limit`` bytes; else ``FileRefused``."""
    if isinstance(upload, tuple):
        raw_name, content = upload[0], bytes(upload[1])
        size = len(content)
    else:
        raw_name, content, size = upload.name or "", b"", upload.size or 0
    name = display_name(raw_name)
    if not name:
        raise FileRefused("Tệp kiểm chứng cần có tên, ví dụ bien-ban-hop.pdf.")
    ext = "." + name.rpartition(".")[2].lower() if "." in name else ""
    expected = next((key for key, kind in KINDS.items() if ext in kind.extensions), None)
    if expected is None:
        raise FileRefused(f"Tệp '{name}': chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX (đuôi {EXTENSIONS}).")
    if size > limit:
        raise FileRefused(_too_large(name, size, limit))
    if not isinstance(upload, tuple):
        upload.seek(0)
        content = b"".join(upload.chunks())
        if len(content) > limit:  # the size the client declared was wrong
            raise FileRefused(_too_large(name, len(content), limit))
    if not content:
        raise FileRefused(f"Tệp '{name}' rỗng (0 byte): chọn lại tệp rồi gửi.")
    found = sniff(content)
    if found != expected:
        what = f"là {KINDS[found].label}" if found else "không phải tệp PDF, JPEG, PNG, DOCX hay XLSX"
        raise FileRefused(f"Tệp '{name}' có đuôi {ext} nhưng nội dung {what}: lưu (xuất) lại đúng định dạng "
                          f"{KINDS[expected].label} rồi gửi lại.")
    return EvidenceFile(name, stored_name(name), content, KINDS[expected].content_type,
                        hashlib.sha256(content).hexdigest())


def _too_large(name: str, size: int, limit: int) -> str:
    return (f"Tệp '{name}' nặng {format_number(size)} byte, quá giới hạn {size_text(limit)} "
            f"({format_number(limit)} byte): nén hoặc chia nhỏ tệp rồi gửi lại.")
