"""Committing an import: all or nothing through do_set_values, idempotent, permission-checked; the CLI."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chiso.collection import importer
from chiso.collection.importer.template import template_for
from chiso.collection.models import Form, Status, Submission
from chiso.engine.periods import Period
from chiso.values.models import Channel, DataValueHistory
from tests.collection.test_import_support import counts, csv_text, look, open_march_2024, stored, texts, xlsx  # noqa: F401
from tests.conftest import unit

pytestmark = pytest.mark.django_db

HEADER = "Mã đơn vị;Kỳ báo cáo;Mã chỉ tiêu;Giá trị;Nguồn"
FILE = csv_text(HEADER, "20221;2024-03;DS;12.000;Công an phường", "20221;2024-03;XHS-04;91,5;",
                "Phường Thạc Gián;2024-03;XHS-01;gần 80;").encode()


@pytest.mark.demo
@pytest.mark.usefixtures("open_march_2024")
def test_preview_counts_and_lists_each_change_old_to_new(officer_thac_gian):
    found = look("thang-3.csv", FILE, officer_thac_gian)
    assert texts(found) == []
    assert (found.new, found.changed, found.unchanged) == (2, 1, 0)
    assert [(c.unit.code, c.element.code, str(c.period), c.old, c.new) for c in found.changes] == [
        ("20221", "DS", "2024-03", Decimal("11625"), Decimal("12000"))]
    assert [(r["old"], r["new"]) for r in found.change_rows()] == [("11.625", "12.000")]
    assert counts() == counts()  # a preview writes nothing


@pytest.mark.demo
@pytest.mark.usefixtures("open_march_2024")
def test_commit_writes_everything_and_reimporting_changes_nothing(officer_thac_gian):
    before = counts()
    result = importer.commit(look("thang-3.csv", FILE, officer_thac_gian), acting_user=officer_thac_gian)
    assert (result.created, result.changed, result.unchanged) == (2, 1, 0)
    assert counts() == (before[0] + 2, before[1] + 3)
    figure = stored("2024", "20221", "XHS-01", "2024-03")
    assert (figure.value, figure.qualifier, figure.channel, figure.updated_by) == (
        Decimal(80), "approximate", Channel.IMPORT, officer_thac_gian)
    assert figure.history.get().reason == "Nhập từ tệp thang-3.csv"
    assert stored("2024", "20221", "DS", "2024-03").source == "Công an phường"

    again = look("thang-3.csv", FILE, officer_thac_gian)
    assert (again.new, again.changed, again.unchanged, texts(again)) == (0, 0, 3, [])
    result = importer.commit(again, acting_user=officer_thac_gian)
    assert (result.created, result.changed, result.unchanged) == (0, 0, 3)
    assert counts() == (before[0] + 2, before[1] + 3)


@pytest.mark.usefixtures("open_march_2024")
def test_a_text_not_given_keeps_the_stored_one(officer_thac_gian):
    importer.commit(look("a.csv", FILE, officer_thac_gian), acting_user=officer_thac_gian)
    without_source = csv_text("unit;period;data_element;value", "20221;2024-03;DS;12.500").encode()
    result = importer.commit(look("b.csv", without_source, officer_thac_gian), acting_user=officer_thac_gian)
    assert result.changed == 1
    assert stored("2024", "20221", "DS", "2024-03").source == "Công an phường"


@pytest.mark.usefixtures("open_march_2024")
def test_one_bad_row_and_nothing_is_written(officer_thac_gian):
    before = counts()
    bad = FILE + "20221;2024-03;HO;nhiều;\n".encode()
    found = look("thang-3.csv", bad, officer_thac_gian)
    assert texts(found) == [
        "thang-3.csv, dòng 5, cột D (Giá trị): 'nhiều' không phải là số. Viết số kiểu Việt Nam (166.039 hoặc "
        "91,5), có thể kèm độ chính xác phía trước (gần 25, hơn 3.500)."]
    with pytest.raises(importer.ImportRefused) as refused:
        importer.commit(found, acting_user=officer_thac_gian)
    assert refused.value.problems == found.problems
    assert counts() == before


@pytest.mark.usefixtures("open_march_2024")
def test_a_ward_officer_importing_a_row_of_another_ward_is_refused(officer_thac_gian):
    before = counts()
    found = look("thang-3.csv", FILE + b"20212;2024-03;XHS-04;50;\n", officer_thac_gian)
    assert texts(found) == [
        "thang-3.csv, dòng 5, cột A (Mã đơn vị): XHS-04 (Phường Tân Chính, kỳ 2024-03): bạn không có quyền ghi "
        "số liệu cho Phường Tân Chính (mã 20212, danh mục 2024). Bỏ số này, hoặc nhờ cán bộ của đơn vị đó nhập."]
    assert (found.new, found.changed, found.changes) == (4, 0, [])  # nothing stored is shown from either ward
    with pytest.raises(importer.ImportRefused):
        importer.commit(found, acting_user=officer_thac_gian)
    assert counts() == before
    assert stored("2024", "20221", "XHS-04", "2024-03") is None  # not even the rows of its own ward


@pytest.mark.demo
def test_figures_of_an_approved_report_cannot_change_but_may_be_repeated(officer_thac_gian):
    changed = csv_text(HEADER, "20221;2024-03;DS;12.000;").encode()
    assert texts(look("a.csv", changed, officer_thac_gian)) == [
        "a.csv, dòng 2, cột D (Giá trị): DS (Phường Thạc Gián, kỳ 2024-03): báo cáo chứa số liệu này đã gửi "
        "hoặc đã duyệt; chỉ sửa được sau khi cấp trên trả lại hoặc mở lại báo cáo (có lý do)."]
    admin_made_real = csv_text(HEADER, "20221;2024-03;DS;11.625;").encode()
    importer.commit(look("b.csv", admin_made_real), acting_user=None)  # the system turns the demo figure real
    same = look("b.csv", admin_made_real, officer_thac_gian)
    assert (texts(same), same.unchanged) == ([], 1)
    assert importer.commit(same, acting_user=officer_thac_gian).unchanged == 1


@pytest.mark.demo
@pytest.mark.usefixtures("open_march_2024")
def test_a_report_closed_between_preview_and_commit_refuses_the_whole_file(officer_thac_gian):
    found = look("thang-3.csv", FILE, officer_thac_gian)
    Submission.objects.filter(period="2024-03", unit__code="20221").update(status=Status.SUBMITTED)
    before = counts()
    with pytest.raises(importer.ImportRefused) as refused:
        importer.commit(found, acting_user=officer_thac_gian)
    assert [p.text() for p in refused.value.problems] == [
        "thang-3.csv, dòng 2, cột D (Giá trị): DS (Phường Thạc Gián, kỳ 2024-03): báo cáo chứa số liệu này đã "
        "gửi hoặc đã duyệt; chỉ sửa được sau khi cấp trên trả lại hoặc mở lại báo cáo (có lý do)."]
    assert counts() == before


@pytest.mark.demo
@pytest.mark.usefixtures("open_march_2024")
def test_rule_violations_over_stored_and_file_figures_and_outliers_are_shown(officer_thac_gian):
    content = csv_text(HEADER, "20221;2024-03;XHS-06;9.000;", "20221;2024-03;DS;50.000;").encode()
    found = look("a.csv", content,
                 officer_thac_gian)
    assert texts(found) == []
    assert [v.message for v in found.violations] == [
        "Lỗi (Phường Thạc Gián, kỳ 2024-03): Số tài khoản định danh điện tử đã kích hoạt (9.000) không được lớn "
        "hơn Số hồ sơ định danh điện tử đã thu nhận (8.054)."]
    assert [(o.element.code, o.value, o.score > 3.5) for o in found.outliers] == [
        ("XHS-06", Decimal(9000), True), ("DS", Decimal(50000), True)]


@pytest.mark.demo
@pytest.mark.usefixtures("open_march_2024")
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_round_trip_changes_only_what_was_edited(fmt, officer_thac_gian):
    form = Form.objects.get(code="BC-CDS-THANG-XA")
    content = template_for(form, [unit("2024", "20221")], Period.parse("2024-03"), fmt)
    first = look(f"mau.{fmt}", content, officer_thac_gian)
    # the demo's illustrative figures become real ones: each is a change
    assert (texts(first), first.changed) == ([], form.elements.count())
    importer.commit(first, acting_user=officer_thac_gian)
    again = look(f"mau.{fmt}", template_for(form, [unit("2024", "20221")], Period.parse("2024-03"), fmt),
                 officer_thac_gian)
    assert (again.new, again.changed, again.unchanged) == (0, 0, form.elements.count())


def test_xlsx_import_is_idempotent_too():
    content = xlsx(("S", [["unit", "period", "data_element", "value"], [20209, "2025-09", "XHS-04", 0.5],
                          [20209, "2025-09", "XHS-01", "gần 80"]]))
    first = importer.commit(look("a.xlsx", content), acting_user=None)
    second = importer.commit(look("a.xlsx", content), acting_user=None)
    assert ((first.created, first.unchanged), (second.created, second.unchanged)) == ((2, 0), (0, 2))
    assert stored("2025-07", "20209", "XHS-04", "2025-09").value == Decimal("0.5")


# -- the command line -----------------------------------------------------------------------------------

def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def superuser(db):
    from tests.conftest import _user

    return _user("t_root", is_superuser=True)


def test_cli_without_a_user_is_refused_and_writes_nothing(tmp_path):
    """No anonymous writes (issue 14 item 3): the history must say who imported, and the user's reach applies."""
    path = tmp_path / "thang-9.csv"
    path.write_bytes(csv_text(HEADER, "20209;2025-09;XHS-04;91,5;").encode())
    before = counts()
    for extra in ((), ("--dry-run",)):
        with pytest.raises(CommandError) as refused:
            run(str(path), *extra)
        assert str(refused.value).startswith("Cần ghi rõ người nhập: chiso import TỆP --user TÊN_ĐĂNG_NHẬP.")
    assert counts() == before


def test_cli_dry_run_shows_the_preview_and_writes_nothing(tmp_path, superuser):
    path = tmp_path / "thang-9.csv"
    path.write_bytes(csv_text(HEADER, "20209;2025-09;XHS-04;91,5;").encode())
    before = counts()
    out, _ = run(str(path), "--dry-run", "--user", superuser.username)
    assert out.splitlines() == [
        "Tệp thang-9.csv (CSV, UTF-8, phân cách bằng dấu chấm phẩy): 1 giá trị — 1 mới, 0 thay đổi, 0 không "
        "đổi.",
        "Chạy thử (--dry-run): chưa ghi gì."]
    assert counts() == before
    out, _ = run(str(path), "--user", superuser.username)
    assert out.splitlines()[-1] == "Đã ghi: 1 mới, 0 thay đổi, 0 không đổi."
    assert counts() == (before[0] + 1, before[1] + 1)
    assert DataValueHistory.objects.get(reason="Nhập từ tệp thang-9.csv").changed_by == superuser


def test_cli_with_a_user_checks_permissions_and_fails_with_the_problems(tmp_path, officer_thac_gian):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_text(HEADER, "20212;2024-03;XHS-04;50;").encode())
    err = StringIO()
    with pytest.raises(CommandError, match="Không nhập: 1 lỗi. Sửa tệp rồi chạy lại; chưa ghi gì."):
        call_command("import", str(path), "--user", "t_officer_thac_gian", stdout=StringIO(), stderr=err)
    assert ("Lỗi: a.csv, dòng 2, cột A (Mã đơn vị): XHS-04 (Phường Tân Chính, kỳ 2024-03): bạn không có quyền "
            "ghi số liệu cho Phường Tân Chính" in err.getvalue())
    with pytest.raises(CommandError, match="Không có người dùng 'ai-do'."):
        run(str(path), "--user", "ai-do")


def test_cli_hierarchy_option(tmp_path, superuser):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_text(HEADER, "20209;2025-09;XHS-04;50;").encode())
    with pytest.raises(CommandError):
        run(str(path), "--hierarchy", "2024", "--dry-run", "--user", superuser.username)
    out, _ = run(str(path), "--hierarchy", "2025-07", "--dry-run", "--user", superuser.username)
    assert "1 mới" in out
    assert DataValueHistory.objects.filter(reason="Nhập từ tệp a.csv").count() == 0


def test_a_file_with_more_refusals_than_shown_places_the_first_and_counts_the_rest():
    """Past ``MAX_PROBLEMS`` the action's refusals are counted, not placed on rows (a million warnings would be)."""
    from chiso.collection.importer.problems import MAX_PROBLEMS
    from chiso.indicators.models import DataElement, ValueType

    codes = list(DataElement.objects.filter(value_type=ValueType.INTEGER).order_by("code")
                 .values_list("code", flat=True)[:20])
    cells = [(f"{year}-{month:02d}", code) for year in range(2091, 2096) for month in range(1, 13) for code in codes]
    rows = [f"20209,{period},{code},-1" for period, code in cells[:MAX_PROBLEMS + 3]]
    found = look("am.csv", csv_text("unit,period,data_element,value", *rows).encode())
    assert len(found.problems) == MAX_PROBLEMS + 1
    first = found.problems[0]
    assert (first.row, first.column, first.message()) == (
        2, "D", f"{codes[0]} (Phường Thanh Khê, kỳ 2091-01): -1 — số đếm không được âm.")
    assert found.problems[-1].text() == f"am.csv: … và 3 lỗi khác (chỉ hiện {MAX_PROBLEMS} lỗi đầu tiên)."
