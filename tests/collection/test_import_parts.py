"""A large CSV imported part by part (``importer.import_in_parts`` through ``values.parted.PartedWrite``): the same
figures and history as the whole-file path, all or nothing across parts, faults on the file's own rows."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from chiso.collection import importer
from chiso.collection.importer import parts
from chiso.collection.models import Status, Submission
from chiso.engine.periods import Period
from chiso.indicators.models import DataElement, ValueType
from chiso.values.actions import RefusalKind, ValueEntry, ValueWriteError, do_set_values
from chiso.values.models import Channel, DataValue, DataValueHistory
from chiso.values.parted import PartedWrite
from tests.collection.test_import_support import counts, open_march_2024, stored  # noqa: F401
from tests.conftest import unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_march_2024")]

WARDS = ("20221", "20212", "20209")  # Thạc Gián, Tân Chính, Xuân Hà (2024): the small world's three wards
PART = 20  # rows a part holds at least (a part ends where the unit changes)


def elements() -> list[str]:
    return list(DataElement.objects.filter(value_type=ValueType.INTEGER).order_by("code")
                .values_list("code", flat=True)[:25])


def rows(extra: tuple[str, ...] = ()) -> list[str]:
    codes = elements()
    return [f"{ward},2024-03,{code},{100 + i * 7 + w}" for w, ward in enumerate(WARDS) for i, code in enumerate(codes)
            ] + list(extra)


def write(tmp_path: Path, lines: list[str], name: str = "lon.csv") -> Path:
    path = tmp_path / name
    path.write_text("unit,period,data_element,value\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_file_in_parts_writes_what_the_whole_file_writes(tmp_path, city_admin):
    path = write(tmp_path, rows())
    before = counts()
    found = importer.import_in_parts(path, acting_user=city_admin, part_rows=PART)
    assert found is not None and found.problems == []
    assert (found.parts, found.total, found.written.created + found.written.changed) == (3, 75, found.new +
                                                                                          found.changed)
    codes = elements()
    figures, history = counts()
    assert (figures - before[0] + found.changed, history - before[1]) == (found.new + found.changed, 75)
    assert stored("2024", "20212", codes[4], "2024-03").value == Decimal(100 + 4 * 7 + 1)
    latest = DataValueHistory.objects.order_by("-id").first()
    assert (latest.channel, latest.changed_by, latest.reason) == ("import", city_admin, "Nhập từ tệp lon.csv")
    again = importer.import_in_parts(path, acting_user=city_admin, part_rows=PART)
    assert (again.new, again.changed, again.unchanged, again.written.created, again.written.changed) == (
        0, 0, 75, 0, 0)
    assert counts() == (figures, history)


def test_the_parts_agree_with_the_whole_file_preview(tmp_path, city_admin):
    path = write(tmp_path, rows())
    whole = importer.preview(path.name, path.read_bytes(), acting_user=city_admin, max_bytes=None)
    found = importer.import_in_parts(path, acting_user=city_admin, part_rows=PART, dry_run=True)
    assert (found.new, found.changed, found.unchanged, found.total) == (whole.new, whole.changed, whole.unchanged,
                                                                        whole.total)
    assert [(c.unit.code, c.element.code, c.old, c.new) for c in found.changes] == [
        (c.unit.code, c.element.code, c.old, c.new) for c in whole.changes]
    assert found.written is None


def test_a_fault_in_the_last_part_writes_nothing_and_names_the_files_row(tmp_path, city_admin):
    lines = rows()
    lines[70] = lines[70].rsplit(",", 1)[0] + ",nhiều"  # row 72 of the file (the header is row 1)
    before = counts()
    found = importer.import_in_parts(write(tmp_path, lines), acting_user=city_admin, part_rows=PART)
    assert [(p.row, p.column) for p in found.problems] == [(72, "D")]
    assert found.problems[0].text().startswith("lon.csv, dòng 72, cột D (value): ")
    assert (found.written, counts()) == (None, before)


def test_a_cell_given_twice_in_two_parts_is_refused_with_both_rows(tmp_path, city_admin):
    code = elements()[3]
    before = counts()
    found = importer.import_in_parts(write(tmp_path, rows((f"20221,2024-03,{code},5",))), acting_user=city_admin,
                                     part_rows=PART)
    assert [p.text() for p in found.problems] == [
        f"lon.csv, dòng 77, cột D (value): {code} (Phường Thạc Gián, kỳ 2024-03): số liệu này đã có ở dòng 5 của "
        "tệp; mỗi ô chỉ ghi một lần. Xóa một trong hai dòng."]
    assert (found.written, counts()) == (None, before)
    dry = importer.import_in_parts(write(tmp_path, rows((f"20221,2024-03,{code},5",))), acting_user=city_admin,
                                   part_rows=PART, dry_run=True)
    assert [p.row for p in dry.problems] == [77]  # a dry run finds it too


def test_another_wards_rows_in_a_later_part_write_nothing(tmp_path, officer_thac_gian):
    before = counts()
    found = importer.import_in_parts(write(tmp_path, rows()), acting_user=officer_thac_gian, part_rows=PART)
    assert {p.row for p in found.problems} == set(range(27, 77))  # every row of Tân Chính and of Xuân Hà
    assert "không có quyền" in found.problems[0].message_vi
    assert (found.written, counts()) == (None, before)


def test_short_files_and_workbooks_take_the_whole_file_path(tmp_path, city_admin):
    assert importer.import_in_parts(write(tmp_path, rows()[:PART]), acting_user=city_admin, part_rows=PART) is None
    book = tmp_path / "lon.xlsx"
    book.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    assert importer.import_in_parts(book, acting_user=city_admin, part_rows=PART) is None


def test_the_command_imports_a_large_file_in_parts(tmp_path, city_admin, monkeypatch):
    monkeypatch.setattr(parts, "PART_ROWS", PART)
    path = write(tmp_path, rows())
    out = StringIO()
    call_command("import", str(path), "--user", city_admin.username, "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("Tệp lon.csv (CSV, UTF-8, đọc 3 phần): 75 giá trị — ")
    assert out.getvalue().splitlines()[-1] == "Chạy thử (--dry-run): chưa ghi gì."
    call_command("import", str(path), "--user", city_admin.username, stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("Đã ghi: ")
    bad = write(tmp_path, rows(("20221,2024-03,XHS-99,1",)))
    with pytest.raises(CommandError, match="Không nhập: 1 lỗi. Sửa tệp rồi chạy lại; chưa ghi gì."):
        call_command("import", str(bad), "--user", city_admin.username, stdout=StringIO(), stderr=StringIO())


def _entries(code: str, value: int) -> list[ValueEntry]:
    return [ValueEntry(DataElement.objects.get(code=code), unit("2024", "20221"), Period.parse("2024-03"),
                       Decimal(value))]


def test_a_figure_changed_by_someone_between_part_and_commit_writes_nothing(city_admin, officer_thac_gian):
    code = elements()[0]
    do_set_values(_entries(code, 10), acting_user=city_admin, channel=Channel.WEB)
    before = counts()
    with PartedWrite(acting_user=city_admin, channel=Channel.IMPORT, reason="tệp") as parted:
        for part, row in ((_entries(code, 11), 2), (_entries(elements()[1], 12), 3)):
            assert parted.check(part, [row]).refusals == []
            parted.keep()
        do_set_values(_entries(code, 13), acting_user=officer_thac_gian, channel=Channel.WEB)  # meanwhile
        with pytest.raises(ValueWriteError) as error:
            parted.commit()
    assert [r.kind for r in error.value.refusals] == [RefusalKind.CONFLICT]
    assert error.value.refusals[0].message.startswith("Không ghi gì: có người vừa sửa một số liệu trong tệp")
    assert counts() == (before[0] + 0, before[1] + 1)  # only the other writer's change
    assert DataValue.objects.filter(data_element__code=elements()[1], unit__code="20221", period="2024-03",
                                    unit__version__name="2024").count() == 0


def test_a_report_closed_between_part_and_commit_writes_nothing(city_admin):
    code = elements()[0]
    with PartedWrite(acting_user=city_admin, channel=Channel.IMPORT) as parted:
        assert parted.check(_entries(code, 11), [2]).refusals == []
        parted.keep()
        submission = Submission.objects.filter(unit=unit("2024", "20221"), period="2024-03").first()
        if submission is None:  # the small world has no report of March: make the ward's, approved
            from chiso.collection.models import Form
            form = Form.objects.get(code="BC-CDS-THANG-XA")
            submission = Submission.objects.create(form=form, unit=unit("2024", "20221"), period="2024-03")
        Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED, updated_at=timezone.now())
        with pytest.raises(ValueWriteError) as error:
            parted.commit()
    assert [r.kind for r in error.value.refusals] == [RefusalKind.CLOSED]
    assert stored("2024", "20221", code, "2024-03") is None or stored("2024", "20221", code, "2024-03").value != 11


def test_a_part_of_blank_values_is_skipped_not_refused(tmp_path, city_admin):
    lines = [line if not line.startswith("20209,") else line.rsplit(",", 1)[0] + "," for line in rows()]
    found = importer.import_in_parts(write(tmp_path, lines), acting_user=city_admin, part_rows=PART)
    assert (found.problems, found.total, len(found.warnings)) == ([], 50, 25)  # "ô giá trị trống, bỏ qua dòng này"
    assert found.warnings[0].row == 52
    blank = importer.import_in_parts(write(tmp_path, [line.rsplit(",", 1)[0] + "," for line in rows()]),
                                     acting_user=city_admin, part_rows=PART)
    assert [p.message_vi for p in blank.problems] == ["Tệp không có số liệu nào để nhập (mọi ô giá trị đều trống)."]
