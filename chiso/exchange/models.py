"""The mapping tables of a DHIS2 exchange: which DHIS2 data element (and category option combo) a chiso data element
is, and which DHIS2 organisation unit a chiso unit (of one hierarchy version) is.

They are data an administrator edits as a CSV file (``chiso dhis2 mappings export|load``; the admin pages only
show them). **Without a row, a code maps to itself**: a data element is sent as its chiso code (``XHS-06``) with
the default category option combo, a unit as its code (``20221``); a DHIS2 identifier with no row is read as a
chiso code. So chiso → chiso needs no mapping at all.
"""

from __future__ import annotations

from django.db import models

from chiso.indicators.models import DataElement
from chiso.units.models import Unit

DEFAULT_COMBO = "HllvX50cXC0"  # DHIS2's default category option combo (and attribute option combo)


class ElementMapping(models.Model):
    data_element = models.OneToOneField(DataElement, on_delete=models.CASCADE, related_name="dhis2_mapping",
                                        verbose_name="yếu tố dữ liệu")
    dhis2_id = models.CharField("mã DHIS2 (UID hoặc code)", max_length=100)
    category_option_combo = models.CharField("category option combo", max_length=100, default=DEFAULT_COMBO)

    class Meta:
        verbose_name = "ánh xạ yếu tố dữ liệu DHIS2"
        verbose_name_plural = "ánh xạ yếu tố dữ liệu DHIS2"
        constraints = [models.UniqueConstraint(fields=["dhis2_id", "category_option_combo"],
                                               name="one_element_per_dhis2_pair")]

    def __str__(self) -> str:
        return f"{self.data_element.code} ↔ {self.dhis2_id}/{self.category_option_combo}"


class UnitMapping(models.Model):
    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="dhis2_mapping",
                                verbose_name="đơn vị")
    dhis2_id = models.CharField("mã đơn vị tổ chức DHIS2 (UID hoặc code)", max_length=100, db_index=True)

    class Meta:
        verbose_name = "ánh xạ đơn vị DHIS2"
        verbose_name_plural = "ánh xạ đơn vị DHIS2"

    def __str__(self) -> str:
        return f"{self.unit.version.name}/{self.unit.code} ↔ {self.dhis2_id}"
