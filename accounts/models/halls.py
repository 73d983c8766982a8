"""Service halls (服务大厅) and the hall each staff user works at.

A staff user's hall sets the pooling region of their scope (DOMAIN.md, roles);
the audit trail records it with every change they make.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .regions import PoolingRegion


@pghistory.track()
class ServiceHall(models.Model):
    """A service hall of one pooling region."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("hall name"), max_length=50)
    region = models.ForeignKey(
        PoolingRegion,
        on_delete=models.PROTECT,
        related_name="halls",
        verbose_name=_("pooling region"),
    )

    class Meta:
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")
        ordering = ["region", "code"]
        # The reach of a role beyond its hall's pooling region (accounts/scope.py).
        permissions = [
            ("scope_province", _("Can see and act on the whole province of one's hall")),
            ("scope_national", _("Can see and act on every province")),
        ]

    def __str__(self):
        return self.name


@pghistory.track()
class StaffPlacement(models.Model):
    """The hall a staff user works at: at most one per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="placement",
        verbose_name=_("user"),
    )
    hall = models.ForeignKey(
        ServiceHall,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("service hall"),
    )

    class Meta:
        verbose_name = _("staff placement")
        verbose_name_plural = _("staff placements")

    def __str__(self):
        return f"{self.user} @ {self.hall}"
