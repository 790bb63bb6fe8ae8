"""The reader: exact figures for each pattern of the issue, the non-figures, units, elements, files, the gold set."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chiso.engine.extract import find_figures
from chiso.extraction.evaluate import evaluate
from chiso.extraction.reading import ExtractionError, Proposal, as_json, read_file, read_text
from tests.conftest import unit

GOLD = Path(__file__).with_name("gold.csv")
ON = date(2024, 12, 31)


def _read(sentence: str, on: date | None = None) -> list[tuple[str, str, str | None, str, str | None]]:
    return [
        (str(f.value), f.qualifier, None if f.of_total is None else str(f.of_total), f.kind, f.period)
        for f in find_figures(sentence, on)
    ]


def test_vietnamese_numbers() -> None:
    assert _read("Đã thu nhận 166.039 hồ sơ định danh điện tử và kích hoạt 133.713 tài khoản.") == [
        ("166039", "exact", None, "actual", None),
        ("133713", "exact", None, "actual", None),
    ]
    assert _read("Tỷ lệ văn bản ký số đạt 91,5%.") == [("91.5", "exact", None, "actual", None)]
    assert _read("Xã có 06 thôn.") == [("6", "exact", None, "actual", None)]


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [
        ("Tổ chức gần 25 chương trình.", "approximate"),
        ("Tổ chức khoảng 25 chương trình.", "approximate"),
        ("Hỗ trợ hơn 3.500 công dân.", "at_least"),
        ("Hỗ trợ trên 3.500 công dân.", "at_least"),
        ("Hồ sơ trễ hạn dưới 2%.", "at_most"),
        ("Không quá 5% hồ sơ nộp giấy.", "at_most"),
        ("Có 25 chương trình.", "exact"),
    ],
)
def test_qualifiers(sentence: str, qualifier: str) -> None:
    assert [f.qualifier for f in find_figures(sentence)] == [qualifier]


def test_totals_of_x_over_y() -> None:
    (markets,) = find_figures("Có 12/12 chợ thực hiện thanh toán không dùng tiền mặt.")
    assert (markets.value, markets.of_total, markets.measure) == (
        Decimal(12),
        Decimal(12),
        "chợ thực hiện thanh toán không dùng tiền mặt",
    )
    (accounts,) = find_figures("Tạo lập 5.151 tài khoản điện tử/11.597 dân.")
    assert (accounts.value, accounts.of_total, accounts.measure) == (Decimal(5151), Decimal(11597), "tài khoản điện tử")
    (schools,) = find_figures("Có 36 trường thu học phí không dùng tiền mặt trên tổng số 36 trường công lập.")
    assert (schools.value, schools.of_total, schools.measure) == (
        Decimal(36),
        Decimal(36),
        "trường thu học phí không dùng tiền mặt",
    )


def test_periods() -> None:
    assert _read("Tính đến 01/12/2022 đạt tỉ lệ 91%.") == [("91", "exact", None, "actual", "2022-12-01")]
    assert _read("Năm 2022, quận có 10 phường.") == [("10", "exact", None, "actual", "2022")]
    assert _read("Đến nay đã có 45 doanh nghiệp.", on=date(2024, 3, 1)) == [
        ("45", "exact", None, "actual", "2024-03-01")
    ]
    assert _read("Đến tháng 6/2024 có 45 doanh nghiệp.") == [("45", "exact", None, "actual", "2024-06")]
    assert _read("Quý III/2024 có 45 doanh nghiệp.") == [("45", "exact", None, "actual", "2024Q3")]


def test_targets() -> None:
    assert _read("Tính đến 01/12/2022 đạt tỉ lệ 91% (vượt xa chỉ tiêu 65%).") == [
        ("91", "exact", None, "actual", "2022-12-01"),
        ("65", "exact", None, "target", "2022-12-01"),
    ]
    assert _read("Phấn đấu đến năm 2025, 90% hộ gia đình có cáp quang.") == [("90", "exact", None, "target", "2025")]
    assert _read("Quận đặt mục tiêu có ít nhất 50 doanh nghiệp công nghệ số.") == [
        ("50", "at_least", None, "target", None)
    ]


def test_plan_counts() -> None:
    figures = find_figures("Năm 2023 quận đặt 27 chỉ tiêu: 12 chính quyền số, 4 kinh tế số và 11 xã hội số.")
    assert [(str(f.value), f.kind, f.measure) for f in figures] == [
        ("27", "plan_count", "chỉ tiêu"),
        ("12", "plan_count", "chính quyền số"),
        ("4", "plan_count", "kinh tế số"),
        ("11", "plan_count", "xã hội số"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Năm 2023 là năm chuyển đổi số.",  # a year
        "Ngày 15/3/2023 và ngày 5 tháng 3 năm 2024 quận họp.",  # dates
        "Đây là lần thứ 3 quận tổ chức ngày hội.",  # an ordinal
        "Phường Thạc Gián xếp thứ 2 toàn quận.",  # a rank
        "Theo Quyết định số 1936/QĐ-UBND và Kế hoạch số 45/KH-UBND.",  # decision numbers
        "Gọi đường dây nóng 0236.3821.234 hoặc 0905 123 456.",  # phone numbers
        "Phường 6 năm liền dẫn đầu phong trào thi đua.",  # "6 năm liền"
        "Khu dân cư số 5 và tổ dân phố 12 được công nhận.",  # names of places
        "Hội nghị tổ chức tại 22 Lý Thường Kiệt.",  # an address
        "Giai đoạn 2021-2025 quận ra mắt mô hình Chợ 4.0 phủ sóng 5G.",  # a span of years, a model name
    ],
)
def test_not_figures(sentence: str) -> None:
    assert find_figures(sentence) == []


def test_offsets_point_at_the_number_in_the_whole_text() -> None:
    text = "Mở đầu.\nĐã thu nhận 166.039 hồ sơ. Hỗ trợ hơn 3.500 công dân."
    assert [text[f.start : f.end] for f in find_figures(text)] == ["166.039", "3.500"]


@pytest.mark.django_db
def test_units_elements_and_the_main_unit() -> None:
    thanh_khe = unit("2024", "491")
    text = (
        "Đến nay, quận đã thu nhận 166.039 hồ sơ định danh điện tử. "
        "Trong tháng 10/2024, phường Tân Chính tiếp nhận 1.245 hồ sơ."
    )
    first, second = read_text(text, on=ON, main_unit=thanh_khe)
    assert first == Proposal(
        value=Decimal(166039),
        qualifier="exact",
        of_total=None,
        measure="hồ sơ định danh điện tử",
        data_element="XHS-05",
        unit="Quận Thanh Khê",
        unit_code="491",
        unit_version="2024",
        period="2024-12-31",
        kind="actual",
        sentence="Đến nay, quận đã thu nhận 166.039 hồ sơ định danh điện tử.",
        start=26,
        end=33,
    )
    assert (second.unit, second.unit_code, second.unit_version, second.data_element) == (
        "phường Tân Chính",
        "20212",
        "2024",
        "CQS-03.MS",
    )


@pytest.mark.django_db
def test_former_names_are_read_in_the_version_in_force() -> None:
    (merged,) = read_text("Tháng 3/2025, phường Vĩnh Trung cũ có 1.020 tài khoản công dân số được kích hoạt.")
    assert (merged.unit, merged.unit_code, merged.unit_version) == ("phường Vĩnh Trung", "20218", "2025-01")
    (later,) = read_text("Tháng 8/2025, phường Thạc Gián có 2.340 người dân được hỗ trợ.")
    assert (later.unit_code, later.unit_version) == ("20209", "2025-07")
    (before,) = read_text("Tháng 8/2024, phường Thạc Gián có 2.340 người dân được hỗ trợ.")
    assert (before.unit_code, before.unit_version) == ("20221", "2024")


@pytest.mark.django_db
def test_files_text_docx_pdf_and_refusals() -> None:
    sentence = "Quận đã hỗ trợ hơn 3.500 công dân đăng ký chữ ký số công cộng."
    text, (figure,) = read_file("bao-cao.txt", sentence.encode("utf-8"))
    assert (text, figure.value, figure.qualifier, figure.data_element) == (sentence, 3500, "at_least", "XHS-11")

    document = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        f"<w:p><w:r><w:t>Mở đầu</w:t></w:r></w:p><w:p><w:r><w:t>{sentence}</w:t></w:r></w:p></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", document)
    text, proposals = read_file("bao-cao.docx", buffer.getvalue())
    assert text == f"Mở đầu\n{sentence}"
    assert [(p.value, p.start, p.end) for p in proposals] == [(3500, 26, 31)]

    with pytest.raises(ExtractionError) as refused:
        read_file("bao-cao.xlsx", b"PK")
    assert refused.value.message.startswith("Tệp bao-cao.xlsx: không đọc được loại tệp này.")
    with pytest.raises(ExtractionError) as refused:
        read_file("bao-cao.docx", b"not a zip")
    assert "không phải tệp Word .docx hợp lệ" in refused.value.message
    with pytest.raises(ExtractionError) as refused:
        read_file("bao-cao.txt", "Số liệu".encode("utf-16"))
    assert "UTF-8" in refused.value.message


def _pdf(text: str) -> bytes:
    """A one-page PDF whose text layer is ``text`` (ASCII, the standard Helvetica font)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.django_db
def test_a_text_pdf_is_read_and_a_pdf_without_text_is_refused() -> None:
    text, proposals = read_file("bao-cao.pdf", _pdf("Quan da ho tro hon 3.500 cong dan."))
    assert text == "Quan da ho tro hon 3.500 cong dan."
    assert [(p.value, p.qualifier, text[p.start : p.end]) for p in proposals] == [
        (3500, "exact", "3.500")
    ]  # "hon" without its mark is not "hơn"
    with pytest.raises(ExtractionError) as refused:
        read_file("scan.pdf", _pdf(""))
    assert refused.value.message.startswith("Tệp scan.pdf: PDF không có lớp chữ")
    with pytest.raises(ExtractionError) as refused:
        read_file("hong.pdf", b"%PDF-1.4 broken")
    assert refused.value.message.startswith("Tệp hong.pdf: không đọc được tệp PDF")


def test_json_shape() -> None:
    proposal = Proposal(
        Decimal("91.5"), "exact", None, "tỷ lệ", "CQS-03", None, None, None, "2022", "actual", "Đạt 91,5%.", 4, 8
    )
    assert as_json([proposal]) == {
        "figures": [
            {
                "value": "91.5",
                "qualifier": "exact",
                "of_total": None,
                "measure": "tỷ lệ",
                "data_element": "CQS-03",
                "unit": None,
                "unit_code": None,
                "unit_version": None,
                "period": "2022",
                "kind": "actual",
                "sentence": "Đạt 91,5%.",
                "start": 4,
                "end": 8,
                "period_carried": False,
            }
        ]
    }


@pytest.mark.django_db
def test_the_team_gold_set_meets_the_goal() -> None:
    result = evaluate(GOLD, on=ON, main_unit=unit("2024", "491"))
    print(
        f"gold: {result.sentences} câu, {result.expected} số liệu; precision {result.precision:.3f}, "
        f"recall {result.recall:.3f}",
        *result.misses,
        sep="\n",
    )
    assert result.sentences >= 40
    assert result.precision >= Decimal("0.9")
    assert result.recall >= Decimal("0.9")
