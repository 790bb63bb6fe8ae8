"""Typed shapes of what the API returns; they are also its OpenAPI description."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from chiso.indicators.models import DataElement, Indicator
from chiso.units.models import Succession, Unit
from chiso.values.models import DataValue


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)



# A reply with its status: every router returns these (one place for the django-ninja compatibility).
try:
    from ninja import Status as Reply  # django-ninja ≥ 1.6 deprecates returning (status, body) tuples
except ImportError:  # pragma: no cover - older django-ninja
    def Reply(status_code: int, value: object) -> tuple[int, object]:  # type: ignore[no-redef]
        return status_code, value

class ErrorOut(Schema):
    detail: str = Field(..., description="Lý do, bằng tiếng Việt")


class VersionOut(Schema):
    name: str = Field(..., description="Mã phiên bản, ví dụ 2024, 2025-01, 2025-07")
    label: str
    valid_from: date | None = Field(None, description="Trống: không giới hạn đầu")
    valid_to: date | None = Field(None, description="Trống: đang có hiệu lực")


class UnitOut(Schema):
    version: str = Field(..., description="Mã phiên bản danh mục; một mã đơn vị chỉ có nghĩa trong phiên bản")
    code: str
    name: str
    type: str = Field(..., description="Loại đơn vị: phuong, xa, quan, thanh_pho_tw, …")
    parent_code: str | None = Field(None, description="Mã đơn vị cấp trên, cùng phiên bản")
    latitude: float | None = None
    longitude: float | None = None
    valid_from: date | None = Field(None, description="Ngày hiệu lực của đơn vị, trống thì theo phiên bản")
    valid_to: date | None = Field(None, description="Ngày hết hiệu lực của đơn vị, trống thì theo phiên bản")

    @classmethod
    def fields_of(cls, unit: Unit) -> dict[str, object]:
        return {
            "version": unit.version.name, "code": unit.code, "name": unit.name, "type": unit.type,
            "parent_code": unit.parent.code if unit.parent_id else None,
            "latitude": unit.latitude, "longitude": unit.longitude,
            "valid_from": unit.effective_from(), "valid_to": unit.effective_to(),
        }

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        return cls(**cls.fields_of(unit))


NEXT = "Liên kết tới trang sau (cùng tham số, với cursor của trang sau); trống: đây là trang cuối"


class UnitPage(Schema):
    count: int = Field(..., description="Tổng số đơn vị khớp điều kiện")
    limit: int
    offset: int
    next: str | None = Field(None, description=NEXT)
    items: list[UnitOut]


class LinkOut(Schema):
    """A unit at the other end of a succession."""

    version: str
    code: str
    name: str
    kind: str = Field(..., description="unchanged, merge, split_part hoặc rename")
    population_share: float | None = Field(
        None, description="Phần dân số của đơn vị cũ chuyển sang đơn vị mới (0–1); trống: chưa biết"
    )

    @classmethod
    def of(cls, succession: Succession, other: Unit) -> LinkOut:
        return cls(version=other.version.name, code=other.code, name=other.name, kind=succession.kind,
                   population_share=_number(succession.population_share))


class UnitDetailOut(UnitOut):
    successors: list[LinkOut] = Field(..., description="Đơn vị kế thừa ở phiên bản sau")
    predecessors: list[LinkOut] = Field(..., description="Đơn vị tiền thân ở phiên bản trước")


class DataElementOut(Schema):
    code: str
    name_vi: str
    name_en: str
    value_type: str = Field(..., description="integer, number, percent hoặc score")
    unit_of_measure: str
    over_time: str = Field(..., description="flow: cộng trong kỳ; stock: lấy giá trị cuối kỳ")
    over_hierarchy: str = Field(..., description="sum: cộng các đơn vị; none: không cộng")
    description: str

    @classmethod
    def of(cls, element: DataElement) -> DataElementOut:
        return cls(code=element.code, name_vi=element.name_vi, name_en=element.name_en,
                   value_type=element.value_type, unit_of_measure=element.unit_of_measure,
                   over_time=element.over_time, over_hierarchy=element.over_hierarchy,
                   description=element.description)


class IndicatorOut(Schema):
    code: str
    name_vi: str
    name_en: str
    pillar: str = Field(..., description="Mã trụ cột: CQS, KTS, XHS, …")
    pillar_name_vi: str
    unit_of_measure: str
    kind: str = Field(..., description="rate, count, average hoặc score")
    direction: str = Field(..., description="up: càng cao càng tốt; down: càng thấp càng tốt")
    over_time: str
    numerator: str | None = Field(None, description="Mã yếu tố dữ liệu tử số")
    denominator: str | None = Field(None, description="Mã yếu tố dữ liệu mẫu số")
    reported: str = Field(..., description="Mã yếu tố báo cáo trực tiếp (mang mã của chỉ tiêu)")
    over_hierarchy: str = Field(..., description="Cách cộng theo cấp của yếu tố báo cáo trực tiếp")
    factor: float = Field(..., description="Hệ số: giá trị = tử số ÷ mẫu số × hệ số")
    decimals: int
    legal_basis: str
    reference_target: str
    is_local: bool

    @classmethod
    def of(cls, indicator: Indicator) -> IndicatorOut:
        return cls(
            code=indicator.code, name_vi=indicator.name_vi, name_en=indicator.name_en,
            pillar=indicator.pillar.code, pillar_name_vi=indicator.pillar.name_vi,
            unit_of_measure=indicator.unit_of_measure, kind=indicator.kind, direction=indicator.direction,
            over_time=indicator.over_time,
            numerator=indicator.numerator.code if indicator.numerator else None,
            denominator=indicator.denominator.code if indicator.denominator else None,
            reported=indicator.reported.code, over_hierarchy=indicator.reported.over_hierarchy,
            factor=float(indicator.factor), decimals=indicator.decimals, legal_basis=indicator.legal_basis,
            reference_target=indicator.reference_target, is_local=indicator.is_local,
        )


class ValueOut(Schema):
    data_element: str = Field(..., description="Mã yếu tố dữ liệu")
    unit: str = Field(..., description="Mã đơn vị")
    version: str = Field(..., description="Phiên bản danh mục của đơn vị")
    period: str = Field(..., description="Kỳ: 2024, 2024Q3, 2024-07 hoặc 2024-07-15")
    value: float | None
    qualifier: str = Field(..., description="exact, approximate, at_least hoặc at_most")
    source: str
    comment: str
    is_illustrative: bool = Field(..., description="Số liệu minh họa sinh tự động, không phải số liệu thật")
    updated_at: datetime

    @classmethod
    def of(cls, value: DataValue) -> ValueOut:
        return cls(
            data_element=value.data_element.code, unit=value.unit.code, version=value.unit.version.name,
            period=value.period, value=_number(value.value), qualifier=value.qualifier, source=value.source,
            comment=value.comment, is_illustrative=value.is_illustrative, updated_at=value.updated_at,
        )


class ValuePage(Schema):
    count: int
    limit: int
    offset: int
    next: str | None = Field(None, description=NEXT)
    items: list[ValueOut]
