from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
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


class ImportJob(models.Model):
    """One spreadsheet import: the file, who ran it, its preview and its outcome."""

    class Kind(models.TextChoices):
        EXPERTS = "experts", _("Experts")
        SOCIETIES = "societies", _("Learned societies")
        PROBLEMS = "problems", _("Bottleneck problems")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked: waiting for confirmation")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    source = models.CharField(_("source"), max_length=20, default="web")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    skip_errors = models.BooleanField(_("skip rows with errors"), default=False)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    preview = models.JSONField(_("preview"), null=True, blank=True)
    report = models.JSONField(_("report"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("data:import_job", args=[self.pk])

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.CHECKING, self.Status.IMPORTING}


class Notification(models.Model):
    """An in-app message (the bell in the header); the same events usually send an email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class QueuedTask(models.Model):
    """A background task that could not be handed to the broker (Redis down): kept here and
    sent when the broker answers again (accounts.tasks.queued_tasks_flush, every minute under
    Celery beat and when a worker starts), so nothing asked for is lost."""

    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("stored at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name}{tuple(self.args)}"


class AuditEventQuerySet(models.QuerySet):
    """The audit log is append-only: bulk updates and deletes are refused too."""

    def update(self, **kwargs):
        raise PermissionError("Audit events cannot be changed.")

    def delete(self):
        raise PermissionError("Audit events cannot be deleted.")

    update.queryset_only = True
    delete.queryset_only = True


class AuditEvent(models.Model):
    """One security-relevant event (a login, an export, a denial, a change staff made...).

    Append-only: an existing row cannot be saved again or deleted, through the model, its
    queryset or the admin; on PostgreSQL a trigger (migration 0007) refuses UPDATE and DELETE
    from any client. Written through accounts.audit.record()."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logout")
        LOCKOUT = "lockout", _("Account locked")
        UNLOCK = "unlock", _("Account unlocked")
        EXPORT = "export", _("Export")
        PDF_DOWNLOAD = "pdf_download", _("PDF download")
        FILE_DOWNLOAD = "file_download", _("File download")
        PERMISSION_DENIED = "permission_denied", _("Access refused")
        ROLE_CHANGE = "role_change", _("Role change")
        SCOPE_CHANGE = "scope_change", _("Scope change")
        DATA_CHANGE = "data_change", _("Data change")
        PERSONAL_DATA_EXPORT = "personal_data_export", _("Personal data export")
        DELETION_REQUEST = "deletion_request", _("Deletion request")
        ANONYMISE = "anonymise", _("Anonymisation")
        TOTP_ENABLED = "totp_enabled", _("Two-factor login enabled")
        TOTP_DISABLED = "totp_disabled", _("Two-factor login disabled")

    when = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    target_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("target type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-when", "-pk"]
        indexes = [
            models.Index(fields=["action", "when"]),
            models.Index(fields=["ip", "when"]),
        ]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")


class TOTPDevice(models.Model):
    """A user's authenticator app for two-factor login (RFC 6238 TOTP, accounts.twofactor).
    In use once `confirmed_at` is set: the user proved the app shows the right codes. The
    secret is kept as the app has it (base32); `last_step` is the time step of the last code
    accepted, so no code is accepted twice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="totp_device",
    )
    secret = models.CharField(_("secret"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("enabled"), null=True, blank=True)
    last_step = models.BigIntegerField(_("last time step used"), default=0)

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self) -> str:
        return f"TOTP {self.user_id}"

    @property
    def enabled(self) -> bool:
        return self.confirmed_at is not None
