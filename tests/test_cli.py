"""The chiso command: errors for people, nothing changed on bad input."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from chiso.units.loaders import SUCCESSIONS_FILE
from chiso.units.models import Succession

pytestmark = pytest.mark.django_db


def test_units_load_on_a_malformed_file_names_row_and_field_and_changes_nothing(tmp_path):
    lines = SUCCESSIONS_FILE.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",split_part,0.0836,", ",split_part,1.5,")
    bad = tmp_path / "successions.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = Succession.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("units", "load", "--successions", str(bad))
    assert str(error.value) == (
        "Không nạp được; cơ sở dữ liệu giữ nguyên.\n"
        "successions.csv, dòng 4, cột 'population_share': tỷ lệ 1.5 phải nằm trong khoảng 0..1."
    )
    assert Succession.objects.count() == before


def test_units_load_reports_what_it_loaded(capsys):
    call_command("units", "load")
    assert capsys.readouterr().out.startswith("Đã nạp 3 phiên bản, ")


def test_indicators_load_reports_what_it_loaded(capsys):
    call_command("indicators", "load")
    # 145 elements: the catalogue's 136, XHS-KDC (certified khu dân cư) and the community teams' 8 (XHS-TCN-…);
    # 7 rules of validation_rules.csv + numerator ≤ denominator for each of the 38 rates with both
    assert capsys.readouterr().out == "Đã nạp 3 trụ cột, 145 yếu tố dữ liệu, 56 chỉ tiêu, 45 quy tắc kiểm tra.\n"
