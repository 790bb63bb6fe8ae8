"""Community digital technology teams (Tổ công nghệ số cộng đồng, "Tổ CNSCĐ") and their activity logs.

A **team** belongs to one thôn or tổ dân phố (``Unit`` of type HAMLET or RESIDENTIAL_GROUP), is set up by a
decision (number, date, signer) and is active, merged into another team, or dissolved. Its unit changes with the
map: ``TeamPlacement`` keeps one row per unit it has sat on (one per hierarchy version), written when a team is
founded and when ``actions.do_follow_reorganisation`` carries it through the ``units`` successions; a log dated
``d`` belongs to the placement whose unit's version covers ``d``.

**Personal data by design** (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, Nghị định 356/2025/NĐ-CP):

* a member is stored with a name, a role, the dates joined and left, and an *optional* phone number: never an
  ID-card number, never a photo of an ID card, no date of birth, no address;
* the phone number is shown only to the ward's officers (``accounts.access.can_manage_team``): never on public
  pages, in the API for others, or in exports;
* when a member leaves, their name, phone and account link are **erased** (set to NULL in the database, not
  hidden) once the ward's retention period (``TeamSettings.retention_days``, default ``CHISO_TEAMS_RETENTION_DAYS``)
  has passed: at once when it is 0, otherwise by ``chiso teams erase-due`` (``actions.do_erase_due_members``),
  which a daily timer runs. The role and dates stay, so past member counts stay right;
* an activity log counts people (``ActivityCount``); it never names a resident. Its note refuses anything that
  looks like a phone or ID number, and its optional photo must not show an ID document (the sender confirms it).
* history rows (``TeamChange``) name the member by number and role, never by name or phone.

Every write is an action in ``teams.actions``; figures reach the catalogue only through
``values.actions.do_set_values`` (``teams.rollup``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from chiso.indicators.models import DataElement
from chiso.units.models import Unit


class TeamState(models.TextChoices):
    ACTIVE = "active", "Đang hoạt động"
    MERGED = "merged", "Đã hợp nhất vào tổ khác"
    DISSOLVED = "dissolved", "Đã giải thể"


class Team(models.Model):
    code = models.CharField("mã tổ", max_length=60, unique=True)
    name = models.CharField("tên tổ", max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="teams",
                             verbose_name="thôn, tổ dân phố (hiện nay)")
    decision_number = models.CharField("số quyết định thành lập", max_length=60)
    decision_date = models.DateField("ngày quyết định")
    decision_signer = models.CharField("người ký", max_length=200)
    founded_on = models.DateField("ngày thành lập")
    state = models.CharField("trạng thái", max_length=10, choices=TeamState.choices, default=TeamState.ACTIVE)
    state_since = models.DateField("trạng thái từ ngày", null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_teams", verbose_name="hợp nhất vào")
    state_note = models.CharField("ghi chú trạng thái", max_length=300, blank=True)
    is_illustrative = models.BooleanField("minh họa", default=False)

    class Meta:
        verbose_name = "Tổ công nghệ số cộng đồng"
        verbose_name_plural = "Tổ công nghệ số cộng đồng"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class TeamPlacement(models.Model):
    """The unit a team sat on in one hierarchy version (its thôn/TDP of that map)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="placements", verbose_name="tổ")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="team_placements", verbose_name="đơn vị")
    since = models.DateField("từ ngày")

    class Meta:
        verbose_name = "nơi hoạt động của tổ"
        verbose_name_plural = "nơi hoạt động của tổ"
        constraints = [models.UniqueConstraint(fields=["team", "unit"], name="team_placement_once_per_unit")]
        ordering = ["since", "id"]


class MemberRole(models.TextChoices):
    LEADER = "leader", "Tổ trưởng"
    DEPUTY = "deputy", "Tổ phó"
    POLICE = "police", "Công an khu vực"
    WOMEN = "women", "Hội Phụ nữ"
    YOUTH = "youth", "Đoàn viên thanh niên"
    VOLUNTEER = "volunteer", "Tình nguyện viên"
    OTHER = "other", "Thành viên khác"


class TeamMember(models.Model):
    """A member: name, role, optional phone, dates. Never an ID number or an ID-card photo (see the module).
    ``name``, ``phone`` and ``user`` are NULL once the member's data has been erased (``erased_at``)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", verbose_name="tổ")
    name = models.CharField("họ tên", max_length=100, null=True, blank=True)
    role = models.CharField("vai trò", max_length=10, choices=MemberRole.choices)
    phone = models.CharField("số điện thoại", max_length=15, null=True, blank=True,
                             help_text="Không bắt buộc; chỉ cán bộ phường xem được.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="team_memberships", verbose_name="tài khoản ghi nhật ký")
    joined_on = models.DateField("ngày tham gia")
    left_on = models.DateField("ngày rời tổ", null=True, blank=True)
    erased_at = models.DateTimeField("đã xóa dữ liệu cá nhân lúc", null=True, blank=True)
    is_illustrative = models.BooleanField("minh họa", default=False)

    class Meta:
        verbose_name = "thành viên tổ"
        verbose_name_plural = "thành viên tổ"
        ordering = ["left_on", "role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk}"


class TeamSettings(models.Model):
    """A ward's own rules for its teams: how long a former member's data is kept before it is erased."""

    ward = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="team_settings",
                                verbose_name="phường, xã")
    retention_days = models.PositiveIntegerField("số ngày giữ dữ liệu thành viên đã rời tổ")

    class Meta:
        verbose_name = "quy định về tổ của phường, xã"
        verbose_name_plural = "quy định về tổ của phường, xã"


class TeamChange(models.Model):
    """History of the register: who changed what, when. Names the member by number and role only."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="changes", verbose_name="tổ")
    action = models.CharField("thao tác", max_length=30)
    detail = models.TextField("nội dung", blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="người thực hiện")
    changed_at = models.DateTimeField("lúc", auto_now_add=True)
    channel = models.CharField("kênh", max_length=10, default="web")

    class Meta:
        verbose_name = "lịch sử sổ tổ"
        verbose_name_plural = "lịch sử sổ tổ"
        ordering = ["-changed_at", "-id"]


class LogStatus(models.TextChoices):
    SUBMITTED = "submitted", "Chờ duyệt"
    APPROVED = "approved", "Đã duyệt"
    ISSUES = "issues", "Cần sửa"
    REJECTED = "rejected", "Không duyệt"


def photo_path(log: ActivityLog, filename: str) -> str:
    return f"to-cns/anh/{log.client_id}.{filename.rsplit('.', 1)[-1].lower()[:4]}"


class ActivityLog(models.Model):
    """One day's work of a team, counted: sent from the phone once (``client_id`` makes a repeat harmless)."""

    client_id = models.UUIDField("mã do điện thoại đặt", unique=True, default=uuid.uuid4)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="logs", verbose_name="tổ")
    date = models.DateField("ngày")
    note = models.TextField("ghi chú", blank=True)
    latitude = models.FloatField("vĩ độ", null=True, blank=True)
    longitude = models.FloatField("kinh độ", null=True, blank=True)
    accuracy_m = models.FloatField("sai số vị trí (m)", null=True, blank=True)
    photo = models.FileField("ảnh hoạt động (không phải giấy tờ tùy thân)", upload_to=photo_path, blank=True)
    status = models.CharField("trạng thái", max_length=10, choices=LogStatus.choices, default=LogStatus.SUBMITTED)
    review_comment = models.TextField("nhận xét của cán bộ", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="người duyệt")
    reviewed_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    possible_duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                              related_name="+", verbose_name="có thể trùng với")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="người gửi")
    submitted_at = models.DateTimeField("gửi lúc", auto_now_add=True)
    is_illustrative = models.BooleanField("minh họa", default=False)

    class Meta:
        verbose_name = "nhật ký hoạt động"
        verbose_name_plural = "nhật ký hoạt động"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["team", "date"], name="teamlog_team_date")]

    def __str__(self) -> str:
        return f"{self.team.code} {self.date:%d/%m/%Y} #{self.pk}"


class ActivityCount(models.Model):
    log = models.ForeignKey(ActivityLog, on_delete=models.CASCADE, related_name="counts", verbose_name="nhật ký")
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="yếu tố dữ liệu")
    count = models.PositiveIntegerField("số lượng")

    class Meta:
        verbose_name = "số lượng theo loại hoạt động"
        verbose_name_plural = "số lượng theo loại hoạt động"
        constraints = [models.UniqueConstraint(fields=["log", "data_element"], name="activity_count_once")]


class LogEvent(models.Model):
    """History of a log: sent, corrected (old counts kept), reviewed (from → to, comment)."""

    log = models.ForeignKey(ActivityLog, on_delete=models.CASCADE, related_name="events", verbose_name="nhật ký")
    action = models.CharField("thao tác", max_length=20)
    from_status = models.CharField("từ", max_length=10, blank=True)
    to_status = models.CharField("sang", max_length=10, blank=True)
    detail = models.TextField("nội dung", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name="người thực hiện")
    at = models.DateTimeField("lúc", auto_now_add=True)
    channel = models.CharField("kênh", max_length=10, default="web")

    class Meta:
        verbose_name = "lịch sử nhật ký"
        verbose_name_plural = "lịch sử nhật ký"
        ordering = ["at", "id"]
