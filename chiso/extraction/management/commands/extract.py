"""``chiso extract FILE [--date YYYY-MM-DD] [--unit VERSION:CODE] [--json OUT]``: the figures a report's text holds,
as proposals (nothing is stored); ``chiso extract --evaluate GOLD.csv``: the reader's precision and recall."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.engine.numbers import format_number
from chiso.extraction.evaluate import MATCHED_FIELDS, evaluate
from chiso.extraction.reading import ExtractionError, Proposal, as_json, read_file
from chiso.units.models import Unit
from chiso.values.models import QUALIFIER_WORDS, Qualifier

KINDS = {"actual": "thực hiện", "target": "chỉ tiêu", "plan_count": "số chỉ tiêu KH"}
HEADERS = ("#", "Loại", "Giá trị", "Trên tổng", "Đếm cái gì", "Yếu tố", "Đơn vị", "Kỳ", "Vị trí")


class Command(BaseCommand):
    help = (
        "Đọc số liệu từ báo cáo (văn bản .txt UTF-8, .docx, PDF có lớp chữ): in bảng các số liệu đề xuất, không ghi "
        "gì vào cơ sở dữ liệu. Với --evaluate GOLD.csv: đo độ chính xác (precision) và độ phủ (recall) trên bộ câu "
        "mẫu; một số liệu đọc được là đúng khi giá trị, qualifier, of_total, kind, period, unit_code và data_element "
        "đều khớp một dòng chưa dùng của cùng câu (ô trống = không có)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Tệp báo cáo: .txt (UTF-8), .docx hoặc .pdf có lớp chữ")
        parser.add_argument("--date", help="Ngày của văn bản, YYYY-MM-DD: kỳ của “đến nay”, “hiện nay”")
        parser.add_argument(
            "--unit", help="Đơn vị chính VERSION:CODE (ví dụ 2024:491): đơn vị của số liệu mà câu không nêu đơn vị"
        )
        parser.add_argument("--json", dest="json_out", help='Ghi thêm {"figures": [...]} vào tệp JSON này')
        parser.add_argument(
            "--evaluate",
            metavar="GOLD.csv",
            help="Bộ câu mẫu (sentence_id, sentence, " + ", ".join(MATCHED_FIELDS) + "): in precision và recall; "
            "so khớp " + ", ".join(MATCHED_FIELDS) + " (--date và --unit dùng cho mọi câu)",
        )

    def handle(self, *args: object, **options: object) -> None:
        on = _date(options["date"])
        main_unit = _unit(options["unit"])
        if options["evaluate"]:
            self._evaluate(Path(str(options["evaluate"])), on, main_unit)
            return
        if not options["file"]:
            raise CommandError("Thiếu tệp báo cáo: chiso extract FILE [--date YYYY-MM-DD] [--unit VERSION:CODE].")
        path = Path(str(options["file"]))
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Không mở được tệp {path}: {error.strerror}.") from None
        try:
            text, proposals = read_file(path.name, data, on=on, main_unit=main_unit)
        except ExtractionError as refused:
            raise CommandError(refused.message) from None
        self._table(text, proposals)
        if options["json_out"]:
            out = Path(str(options["json_out"]))
            out.write_text(json.dumps(as_json(proposals), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            self.stdout.write(f"Đã ghi {len(proposals)} số liệu vào {out}.")

    def _table(self, text: str, proposals: list[Proposal]) -> None:
        rows = [HEADERS] + [
            (
                str(number),
                KINDS[p.kind],
                _shown(text, p),
                "" if p.of_total is None else format_number(p.of_total),
                _short(p.measure, 40),
                p.data_element or "",
                "" if p.unit_code is None else f"{p.unit} ({p.unit_version}:{p.unit_code})",
                p.period or "",
                f"{p.start}–{p.end}",
            )
            for number, p in enumerate(proposals, start=1)
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        self.stdout.write(f"{len(proposals)} số liệu đề xuất (chưa ghi gì: xem lại trước khi lưu).")

    def _evaluate(self, path: Path, on: date | None, main_unit: Unit | None) -> None:
        try:
            result = evaluate(path, on=on, main_unit=main_unit)
        except (ExtractionError, OSError) as refused:
            raise CommandError(getattr(refused, "message", None) or f"Không đọc được {path}: {refused}.") from None
        for miss in result.misses:
            self.stdout.write(miss)
        self.stdout.write(
            f"{result.sentences} câu, {result.expected} số liệu mong đợi, {result.proposed} số liệu đọc được, "
            f"{result.right} đúng."
        )
        self.stdout.write(f"precision (độ chính xác): {format_number(result.precision, 3)}")
        self.stdout.write(f"recall (độ phủ): {format_number(result.recall, 3)}")


def _shown(text: str, proposal: Proposal) -> str:
    """The value as the report writes it: "hơn 3.500", "91,5%"."""
    word = QUALIFIER_WORDS.get(Qualifier(proposal.qualifier), "")
    percent = "%" if text[proposal.end :].lstrip().startswith("%") else ""
    return f"{word} {format_number(proposal.value)}{percent}".strip()


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _date(value: object) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CommandError(f"--date '{value}': cần ngày dạng YYYY-MM-DD, ví dụ 2024-12-31.") from None


def _unit(value: object) -> Unit | None:
    if not value:
        return None
    version, _, code = str(value).partition(":")
    unit = Unit.objects.filter(version__name=version, code=code).select_related("version").first()
    if unit is None:
        raise CommandError(
            f"--unit '{value}': không có đơn vị mã {code or '?'} trong phiên bản bản đồ {version or '?'}; "
            "ghi dạng VERSION:CODE, ví dụ 2024:491."
        )
    return unit
