"""Roll-ups kept fresh by the write path: for each branch unit, the total of its children's subtrees.

A ``BelowTotal`` row is ``chiso.engine.aggregate.below`` of one branch unit (a unit with children) for one
additive *measure* (one data element, or an indicator's numerator and denominator together, so a rate adds up
only the units that reported both), one period (a month, quarter or year) and one reading (every figure, or
published figures only). The unit's own figure is not in it: a reader puts it in front with ``with_children``,
from the raw figures, exactly as the engine does on raw figures alone. A missing row means that nothing below
the unit has a figure for it (its completeness is then 0 of the leaves under it).

``TotalsState`` lists the measures whose rows are complete and the map they were built on: a
measure added to the catalogue, an element whose way of adding up changed, or a map edited after the last
``chiso totals rebuild`` makes the readers fall back to the raw figures (right, only slower) until the next
rebuild.
"""

from __future__ import annotations

from django.db import models

from chiso.units.models import Unit


class BelowTotal(models.Model):
    measure = models.CharField("phép tính", max_length=40, help_text="17f hoặc 17f/18s: mã yếu tố và cách cộng theo "
                               "thời gian (f: dòng, s: tồn)")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    period = models.CharField("kỳ", max_length=12)
    published = models.BooleanField("chỉ số liệu đã công bố")
    first = models.DecimalField(max_digits=30, decimal_places=6)
    second = models.DecimalField(max_digits=30, decimal_places=6, null=True)
    qualifier = models.CharField(max_length=12)
    illustrative = models.BooleanField()
    reported = models.PositiveIntegerField()
    expected = models.PositiveIntegerField()

    class Meta:
        verbose_name = "tổng các đơn vị trực thuộc"
        verbose_name_plural = "tổng các đơn vị trực thuộc"
        constraints = [models.UniqueConstraint(fields=["unit", "measure", "period", "published"],
                                               name="one_total_below")]


class TotalsState(models.Model):
    """One row: whether the roll-ups are complete, and the map (units) they were computed on."""

    built = models.BooleanField(default=False)
    units = models.CharField("dấu vết bản đồ", max_length=80, blank=True)
    measures = models.TextField("phép tính đã dựng", blank=True, help_text="Các mã, cách nhau bởi dấu cách")
    built_at = models.DateTimeField(null=True)
    # a rebuild under way: the last branch unit done (the deepest levels first, ids ascending in a level)
    done_depth = models.IntegerField(null=True)
    done_unit = models.BigIntegerField(null=True)
