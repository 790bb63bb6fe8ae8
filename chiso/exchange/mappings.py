"""Reading the mapping tables both ways, and loading or exporting them as one CSV file.

A ``Mapping`` is read once per exchange. Without a row a code maps to itself (``models``): an element goes out
as its code with DHIS2's default category option combo, a unit as its code; a DHIS2 identifier without a row is
read as a chiso code (a unit in the hierarchy version in force at the end of the figure's period).

The CSV file (UTF-8, a header row) holds both tables, one mapping a row::

    kind,chiso_version,chiso_code,dhis2_id,category_option_combo
    data_element,,XHS-06,fbfJHSPpUQD,HllvX50cXC0
    unit,2024,20221,ImspTQPwCqd,

``do_load_mappings`` replaces both tables with the file's rows, all or nothing, every fault named by row and
column; ``export_mappings`` writes the stored tables in the same shape (export → load changes nothing).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cached_property

from django.db import transaction

from chiso.collection.importer.problems import ImportProblem, ImportRefused, Problems
from chiso.collection.importer.resolve import NotFound, Resolver
from chiso.engine.periods import Period
from chiso.exchange.models import DEFAULT_COMBO, ElementMapping, UnitMapping
from chiso.indicators.models import DataElement
from chiso.units.models import HierarchyVersion, Unit

COLUMNS = ("kind", "chiso_version", "chiso_code", "dhis2_id", "category_option_combo")
KINDS = ("data_element", "unit")


class Mapping:
    """Both tables in memory, with the catalogue and a unit resolver, for one export or import."""

    def __init__(self) -> None:
        self.element_out: dict[int, tuple[str, str]] = {}
        self.element_in: dict[tuple[str, str], DataElement] = {}
        for row in ElementMapping.objects.select_related("data_element"):
            self.element_out[row.data_element_id] = (row.dhis2_id, row.category_option_combo)
            self.element_in[(row.dhis2_id, row.category_option_combo)] = row.data_element
        self.unit_out: dict[int, str] = {}
        self.unit_in: dict[tuple[str, int], Unit] = {}
        for unit_row in UnitMapping.objects.select_related("unit__version"):
            self.unit_out[unit_row.unit_id] = unit_row.dhis2_id
            self.unit_in[(unit_row.dhis2_id, unit_row.unit.version_id)] = unit_row.unit

    @cached_property
    def resolver(self) -> Resolver:
        """Every version and data element, read only when an identifier must be resolved (an export needs none)."""
        return Resolver()

    # -- out -------------------------------------------------------------------------------------

    def element_ids(self, element: DataElement) -> tuple[str, str]:
        """(dataElement, categoryOptionCombo) of a chiso element."""
        return self.element_out.get(element.pk, (element.code, DEFAULT_COMBO))

    def org_unit(self, unit: Unit) -> str:
        return self.unit_out.get(unit.pk, unit.code)

    # -- in --------------------------------------------------------------------------------------

    def element(self, dhis2_id: str, combo: str) -> DataElement:
        """The chiso element of a (dataElement, categoryOptionCombo) pair; NotFound says what is missing."""
        combo = combo or DEFAULT_COMBO
        found = self.element_in.get((dhis2_id, combo))
        if found is not None:
            return found
        if combo == DEFAULT_COMBO:
            by_code = self.resolver.elements.get(dhis2_id.upper())
            if by_code is not None:
                return by_code
        if any(key[0] == dhis2_id for key in self.element_in):
            raise NotFound(f"dataElement '{dhis2_id}' có trong bảng ánh xạ nhưng không với categoryOptionCombo "
                           f"'{combo}'. Thêm dòng ánh xạ cho cặp này (chiso dhis2 mappings load).",
                           f"dataElement '{dhis2_id}' is mapped, but not with categoryOptionCombo '{combo}'. "
                           "Add a mapping row for this pair (chiso dhis2 mappings load).")
        raise NotFound(f"không có yếu tố dữ liệu nào ứng với dataElement '{dhis2_id}' (categoryOptionCombo "
                       f"'{combo}'): không có dòng ánh xạ, cũng không phải mã của chiso. Thêm dòng ánh xạ "
                       "(chiso dhis2 mappings load) hoặc gửi mã chiso (ví dụ XHS-06).",
                       f"no data element matches dataElement '{dhis2_id}' (categoryOptionCombo '{combo}'): no "
                       "mapping row, and not a chiso code. Add a mapping row or send the chiso code.")

    def unit(self, dhis2_id: str, period: Period) -> Unit:
        """The unit an orgUnit names, in the hierarchy version in force at the end of ``period``."""
        return self.unit_in_version(dhis2_id, self.resolver.version_for(period))

    def unit_in_version(self, dhis2_id: str, version: HierarchyVersion) -> Unit:
        """The unit an orgUnit names in ``version``: its mapping row there, else the unit with that code."""
        found = self.unit_in.get((dhis2_id, version.pk))
        if found is not None:
            return found
        if not dhis2_id:
            raise NotFound("thiếu orgUnit (mã đơn vị).", "the orgUnit is missing.")
        try:
            return self.resolver.unit(version, dhis2_id)
        except NotFound as error:
            raise NotFound(f"orgUnit '{dhis2_id}': không có dòng ánh xạ trong danh mục {version.name}, và "
                           f"{error.vi}", f"orgUnit '{dhis2_id}': no mapping row in version {version.name}, and "
                           f"{error.en}") from None


# -- the CSV file ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Loaded:
    elements: int
    units: int


def export_mappings() -> str:
    """Both tables as the CSV file ``do_load_mappings`` reads (elements by code, then units by version, code)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in ElementMapping.objects.select_related("data_element").order_by("data_element__code"):
        writer.writerow(["data_element", "", row.data_element.code, row.dhis2_id, row.category_option_combo])
    for unit_row in UnitMapping.objects.select_related("unit__version").order_by("unit__version__name",
                                                                               "unit__code"):
        writer.writerow(["unit", unit_row.unit.version.name, unit_row.unit.code, unit_row.dhis2_id, ""])
    return out.getvalue()


def do_load_mappings(name: str, content: bytes) -> Loaded:
    """Replace both mapping tables with the file's rows in one transaction; ``ImportRefused`` (nothing changed)
    names every fault by row and column."""
    problems = Problems(name)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([ImportProblem(name, None, None, None, None, "tệp không phải UTF-8. Lưu lại tệp với "
                                           "mã hóa UTF-8.", "the file is not UTF-8.")]) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [h.strip().lower() for h in rows[0]][:len(COLUMNS)] != list(COLUMNS):
        raise ImportRefused([ImportProblem(name, None, 1, None, None, "dòng tiêu đề phải là: "
                                           + ",".join(COLUMNS) + ".", "the header must be: " + ",".join(COLUMNS)
                                           + ".")])
    elements = {e.code.upper(): e for e in DataElement.objects.all()}
    versions = {v.name: v for v in HierarchyVersion.objects.all()}
    element_rows: list[ElementMapping] = []
    unit_rows: list[UnitMapping] = []
    pairs: dict[tuple[str, str], int] = {}
    mapped: dict[object, int] = {}
    org_units: dict[tuple[str, int], int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        kind, version_name, code, dhis2_id, combo = ([c.strip() for c in cells] + [""] * len(COLUMNS))[:5]

        def fail(column: int, vi: str, en: str, row: int = number) -> None:
            problems.add(vi, en, row=row, column="ABCDE"[column], field=COLUMNS[column])

        if kind not in KINDS:
            fail(0, f"loại '{kind}' không hợp lệ: ghi data_element hoặc unit.",
                 f"kind '{kind}' is not valid: write data_element or unit.")
            continue
        if not dhis2_id:
            fail(3, "thiếu mã DHIS2 (UID hoặc code).", "the DHIS2 identifier is missing.")
            continue
        if kind == "data_element":
            element = elements.get(code.upper())
            if element is None:
                fail(2, f"không có yếu tố dữ liệu mã '{code}'.", f"no data element with code '{code}'.")
                continue
            pair = (dhis2_id, combo or DEFAULT_COMBO)
            if element.pk in mapped or pair in pairs:
                first = mapped.get(element.pk) or pairs[pair]
                fail(2 if element.pk in mapped else 3, f"trùng với dòng {first}: mỗi yếu tố dữ liệu và mỗi cặp "
                     "dataElement/categoryOptionCombo chỉ ánh xạ một lần.", f"same as row {first}: each element and "
                     "each dataElement/categoryOptionCombo pair is mapped once.")
                continue
            mapped[element.pk], pairs[pair] = number, number
            element_rows.append(ElementMapping(data_element=element, dhis2_id=pair[0], category_option_combo=pair[1]))
            continue
        version = versions.get(version_name)
        if version is None:
            fail(1, f"không có phiên bản danh mục đơn vị '{version_name}' (có: {', '.join(versions)}).",
                 f"no hierarchy version '{version_name}'.")
            continue
        unit = Unit.objects.filter(version=version, code=code).first()
        if unit is None:
            fail(2, f"không có đơn vị mã '{code}' trong danh mục {version.name}.",
                 f"no unit with code '{code}' in version {version.name}.")
            continue
        if ("unit", unit.pk) in mapped or (dhis2_id, version.pk) in org_units:
            first = mapped.get(("unit", unit.pk)) or org_units[(dhis2_id, version.pk)]
            fail(2 if ("unit", unit.pk) in mapped else 3, f"trùng với dòng {first}: trong một danh mục, mỗi đơn vị "
                 "và mỗi orgUnit chỉ ánh xạ một lần.", f"same as row {first}: in one version each unit and each "
                 "orgUnit is mapped once.")
            continue
        mapped[("unit", unit.pk)], org_units[(dhis2_id, version.pk)] = number, number
        unit_rows.append(UnitMapping(unit=unit, dhis2_id=dhis2_id))
    if problems:
        raise ImportRefused(problems.final())
    with transaction.atomic():
        ElementMapping.objects.all().delete()
        UnitMapping.objects.all().delete()
        ElementMapping.objects.bulk_create(element_rows)
        UnitMapping.objects.bulk_create(unit_rows)
    return Loaded(len(element_rows), len(unit_rows))
