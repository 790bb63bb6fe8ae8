"""chiso.units.queries on the reference units of the demo (2024, 2025-01, national 2025-07)."""

from __future__ import annotations

from datetime import date

import pytest

from chiso.units import queries
from tests.portal.helpers import unit

pytestmark = pytest.mark.django_db


def test_versions_come_oldest_first():
    assert [v.name for v in queries.versions()] == ["2024", "2025-01", "2025-07"]


def test_current_version_is_the_one_in_force_on_the_day():
    assert queries.current_version(date(2024, 6, 1)).name == "2024"
    assert queries.current_version(date(2025, 3, 1)).name == "2025-01"
    assert queries.current_version(date(2025, 7, 1)).name == "2025-07"
    assert queries.current_version(date(2031, 1, 1)).name == "2025-07"


def test_a_city_version_comes_as_one_whole_tree():
    tree = queries.tree(queries.version_by_name("2024"))
    assert tree.is_full
    assert [n.unit.code for n in tree.roots] == ["48"]
    districts = {n.unit.code: n for n in tree.roots[0].children}
    assert len(districts) == 8
    thanh_khe = districts["491"]
    assert thanh_khe.child_count == 10
    assert [n.unit.name for n in thanh_khe.children][:4] == [
        "Phường Tam Thuận",
        "Phường Thanh Khê Tây",
        "Phường Thanh Khê Đông",
        "Phường Xuân Hà",
    ]
    tan_chinh = next(n for n in thanh_khe.children if n.unit.code == "20212")
    assert [n.unit.type for n in tan_chinh.children] == ["to_dan_pho"] * 3


def test_the_national_tree_opens_only_the_chosen_province(django_assert_max_num_queries):
    version = queries.version_by_name("2025-07")
    with django_assert_max_num_queries(3):
        tree = queries.tree(version, open_code="48")
    assert not tree.is_full
    assert tree.unit_count > 3300
    (root,) = tree.roots
    assert (root.unit.code, root.child_count, len(root.children)) == ("VN", 34, 34)
    provinces = {n.unit.code: n for n in root.children}
    assert provinces["48"].child_count == 94 and len(provinces["48"].children) == 94
    assert provinces["01"].child_count == 126 and provinces["01"].children == []
    assert not provinces["01"].is_loaded and provinces["48"].is_loaded


def test_an_unknown_open_code_leaves_every_province_closed():
    tree = queries.tree(queries.version_by_name("2025-07"), open_code="nope")
    assert tree.open_unit is None
    assert all(n.children == [] for n in tree.roots[0].children)


def test_ancestors_run_from_the_root_down():
    assert [u.code for u in queries.ancestors(unit("2024", "20221"))] == ["48", "491"]
    assert [u.code for u in queries.ancestors(unit("2025-07", "20209"))] == ["VN", "48"]
    assert queries.ancestors(unit("2025-07", "VN")) == []


def test_children_come_with_their_own_counts():
    rows = queries.children(unit("2024", "491"))
    assert len(rows) == 10
    assert dict((u.code, n) for u, n in rows)["20221"] == 6  # three tổ dân phố, three khu dân cư


def test_a_unit_of_the_past_leads_to_its_successors():
    (link,) = queries.successors(unit("2024", "20209"))
    assert (link.to_unit.version.name, link.to_unit.code, link.to_unit.name) == (
        "2025-01",
        "20209",
        "Phường Xuân Hà",
    )
    (link,) = queries.successors(unit("2025-01", "20209"))
    assert (link.to_unit.version.name, link.to_unit.name, link.kind) == (
        "2025-07",
        "Phường Thanh Khê",
        "merge",
    )


def test_a_unit_of_today_lists_its_predecessors():
    names = {s.from_unit.name for s in queries.predecessors(unit("2025-07", "20209"))}
    assert {
        "Phường Xuân Hà",
        "Phường Thạc Gián",
        "Phường Chính Gián",
        "Phường Thanh Khê Tây",
        "Phường Thanh Khê Đông",
    } <= names


def test_a_reused_code_names_other_places_in_other_versions():
    others = [(u.version.name, u.name) for u in queries.same_code_elsewhere(unit("2025-07", "20209"))]
    assert others == [("2024", "Phường Xuân Hà"), ("2025-01", "Phường Xuân Hà")]


@pytest.mark.parametrize("typed", ["thac gian", "Thạc Gián", "  THẠC   gián "])
def test_search_ignores_diacritics_case_and_spaces(typed):
    found = {(u.version.name, u.code) for u in queries.search(typed)}
    assert ("2024", "20221") in found and ("2025-01", "20218") in found


def test_search_puts_todays_units_first_and_stops_at_the_limit():
    found = queries.search("phuong", limit=5)
    assert len(found) == 5
    assert {u.version.name for u in found} == {"2025-07"}
    assert queries.search("   ") == []
    assert queries.search("khong co noi nao ten nay") == []
