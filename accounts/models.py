from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Region(models.Model):
    """A GB/T 2260 administrative division. The code's prefix structure gives the hierarchy:
    650000 (autonomous region) > 654200 (塔城地区) > 654201 (塔城市)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        PREFECTURE = 2, _("Prefecture")
        COUNTY = 3, _("County")

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The code prefix shared by this region and everything inside it."""
        return self.code[: 2 * self.level]

    def contains(self, other: "Region | str | None") -> bool:
        if other is None:
            return False
        code = other if isinstance(other, str) else other.code
        return code.startswith(self.prefix)

    @property
    def is_root(self) -> bool:
        return self.code == settings.ROOT_REGION_CODE

    @cached_property
    def full_name(self) -> str:
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " ".join(reversed(names))


class GovernmentBody(models.Model):
    """A Party committee or government office that receives advisory reports."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("government body")
        verbose_name_plural = _("government bodies")
        ordering = ["region_id", "name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise member")
        EXPERT = "expert", _("Expert")
        SOCIETY_ADMIN = "society_admin", _("Society admin")
        STAFF = "staff", _("CAST staff")
        OFFICIAL = "official", _("Government official")
        ADMIN = "admin", _("Platform admin")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    display_name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    phone = models.CharField(_("mobile"), max_length=20, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("For CAST staff: the region whose work they handle."),
    )
    enterprise = models.ForeignKey(
        "problems.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    government_body = models.ForeignKey(
        GovernmentBody,
        verbose_name=_("government body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="staff") | models.Q(region__isnull=False),
                name="staff_has_region",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="official") | models.Q(government_body__isnull=False),
                name="official_has_body",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_platform_admin(self) -> bool:
        return self.is_active and (self.role == self.Role.ADMIN or self.is_superuser)

    @property
    def is_cast_staff(self) -> bool:
        return self.is_active and self.role == self.Role.STAFF and self.region_id is not None

    def scope_prefix(self) -> str | None:
        """Code prefix of the regions a staff user may handle; "" means everything;
        None means no regional scope at all."""
        if self.is_platform_admin:
            return ""
        if not self.is_cast_staff:
            return None
        if self.region.is_root:
            return ""
        return self.region.prefix

    def in_scope(self, region: "Region | str | None") -> bool:
        prefix = self.scope_prefix()
        if prefix is None or region is None:
            return prefix == ""
        code = region if isinstance(region, str) else region.code
        return code.startswith(prefix)
