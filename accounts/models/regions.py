"""Provinces, pooling regions and the province sharing policy."""

import datetime as dt

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import operator_field


class Province(models.Model):
    """A province-level unit (31 provinces + 新疆生产建设兵团), GB/T 2260 two-digit code."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self):
        return self.name


@pghistory.track()
class PoolingRegion(models.Model):
    """A pooling region (统筹区), usually a prefecture-level city, with its local settings.

    The settings are the per-region rules of DOMAIN.md; their defaults are the
    ones reported there.
    """

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="regions", verbose_name=_("province")
    )
    beneficiary_cap = models.PositiveSmallIntegerField(
        _("beneficiaries per grantor (cap)"),
        null=True,
        blank=True,
        help_text=_("Empty: no cap."),
    )
    share_prior_years_only = models.BooleanField(
        _("only earlier years' balance may be shared"), default=False
    )
    wallet_enabled = models.BooleanField(_("wallet switched on"), default=True)
    wallet_daily_transfers = models.PositiveSmallIntegerField(
        _("wallet transfers per day (max)"), default=3
    )
    wallet_transfer_limit = models.DecimalField(
        _("wallet transfer limit (yuan)"), max_digits=14, decimal_places=2, default=2000
    )
    wallet_quiet_from = models.TimeField(_("no transfers from"), default=dt.time(22, 0))
    wallet_quiet_until = models.TimeField(_("no transfers until"), default=dt.time(6, 0))
    wallet_return_at = models.TimeField(
        _("unaccepted transfers return at (next day)"), default=dt.time(6, 0)
    )

    class Meta:
        verbose_name = _("pooling region")
        verbose_name_plural = _("pooling regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{6}$"), name="region_code_six_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(wallet_transfer_limit__gt=0), name="region_wallet_limit_positive"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class PolicyPart(models.TextChoices):
    """The parts of a province's sharing policy, each in force from its own date."""

    BASIC = "basic", _("basic relationships (spouse, parents, children)")
    CROSS_REGION = "cross_region", _("cross-region within the province")
    EXTENSION = "extension", _("close-relative extension")
    CROSS_PROVINCE = "cross_province", _("cross-province")
    WALLET = "wallet", _("wallet")
    LTC_CONTRIBUTION = "ltc_contribution", _("long-term-care contributions")


POLICY_DATE_FIELDS = tuple(f"{part.value}_since" for part in PolicyPart)


@pghistory.track()
class ProvincePolicy(models.Model):
    """A province's sharing policy: from which date each part is in force.

    An empty date means the part is not in force. The copy shipped with the
    project is sample data (``is_sample``) until a supervisor edits it.
    """

    province = models.OneToOneField(
        Province,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="policy",
        verbose_name=_("province"),
    )
    basic_since = models.DateField(_("basic relationships since"), null=True, blank=True)
    cross_region_since = models.DateField(_("cross-region since"), null=True, blank=True)
    extension_since = models.DateField(_("close-relative extension since"), null=True, blank=True)
    cross_province_since = models.DateField(_("cross-province since"), null=True, blank=True)
    wallet_since = models.DateField(_("wallet since"), null=True, blank=True)
    ltc_contribution_since = models.DateField(
        _("long-term-care contributions since"), null=True, blank=True
    )
    is_sample = models.BooleanField(_("sample data"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = operator_field(_("updated by"))

    class Meta:
        verbose_name = _("province policy")
        verbose_name_plural = _("province policies")
        ordering = ["province"]

    def __str__(self):
        return str(self.province)

    def since(self, part: PolicyPart) -> dt.date | None:
        return getattr(self, f"{part}_since")

    def allows(self, part: PolicyPart, on_date: dt.date) -> bool:
        """Whether ``part`` of the policy is in force on ``on_date``."""
        since = self.since(part)
        return since is not None and since <= on_date


class Scope(models.TextChoices):
    """Where a sharing happens, as the official statistics report it."""

    # The statistics' own words (同一统筹区 / 省内跨统筹区 / 跨省), distinct from the
    # policy parts of the same English name, hence the context.
    SAME_REGION = "same_region", pgettext_lazy("scope", "same pooling region")
    CROSS_REGION = "cross_region", pgettext_lazy("scope", "cross-region within the province")
    CROSS_PROVINCE = "cross_province", pgettext_lazy("scope", "cross-province")

    @classmethod
    def between(cls, a: PoolingRegion, b: PoolingRegion) -> "Scope":
        if a.pk == b.pk:
            return cls.SAME_REGION
        if a.province_id == b.province_id:
            return cls.CROSS_REGION
        return cls.CROSS_PROVINCE
