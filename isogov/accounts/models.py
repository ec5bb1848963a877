"""Agencies, units, users and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from isogov.core.models import TimeStampedModel

from .roles import Role


class AgencyLevel(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCE = "province", _("Province / city")
    DEPARTMENT = "department", _("Provincial department")
    DISTRICT = "district", _("District (before 2025)")
    COMMUNE = "commune", _("Commune / ward")
    COUNCIL = "council", _("People's Council")
    OTHER = "other", _("Other")


class Agency(TimeStampedModel):
    """A state body (cơ quan): a ministry, a province, a department (Sở), a commune…

    Agencies form a tree of any depth. ``code`` is the electronic identifier (mã định danh
    điện tử) that starts every dossier code (Circular 01/2018 art. 19). Merged or renamed
    bodies keep their history through ``predecessors`` and the validity dates.
    """

    code = models.CharField(_("electronic identifier"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=AgencyLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    predecessors: models.ManyToManyField[Agency, AgencyPredecessor] = models.ManyToManyField(
        "self",
        verbose_name=_("predecessors (merged or renamed bodies)"),
        symmetrical=False,
        blank=True,
        related_name="successors",
        through="AgencyPredecessor",
        through_fields=("successor", "predecessor"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgencyPredecessor(TimeStampedModel):
    """One body merged into, or renamed as, another (cơ quan tiền thân).

    E.g. Sở Thông tin và Truyền thông merged into Sở Khoa học và Công nghệ in 2025: the old
    department is the predecessor, the merged one the successor, with the date the merger took
    effect and the decision that ordered it.
    """

    successor = models.ForeignKey(
        Agency,
        verbose_name=_("successor agency"),
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    predecessor = models.ForeignKey(
        Agency,
        verbose_name=_("predecessor agency"),
        on_delete=models.PROTECT,
        related_name="successor_links",
    )
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        blank=True,
        help_text=_("The decision that merged or renamed the body, e.g. its number and date."),
    )

    class Meta:
        verbose_name = _("predecessor agency")
        verbose_name_plural = _("predecessor agencies")
        ordering = ["effective_on", "predecessor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["successor", "predecessor"], name="agency_predecessor_unique"
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("predecessor")),
                name="agency_predecessor_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Unit(TimeStampedModel):
    """A unit (đơn vị, phòng) inside an agency, e.g. the one-stop desk (Bộ phận Một cửa)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="units"
    )
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=300)
    is_one_stop = models.BooleanField(
        _("one-stop desk"),
        default=False,
        help_text=_("The unit that receives dossiers and returns results (Bộ phận Một cửa)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="unit_code_unique_in_agency")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in: an officer, a leader, an administrator (người dùng)."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("home agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # Every administrative edit names the version it read (a stale form gets 409).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # API tokens issued before this instant are refused (ASVS 3.3.3: revoked on password change).
    password_changed_at = models.DateTimeField(
        _("password changed at"), null=True, blank=True, editable=False
    )
    # Part of the session hash: raising it signs the user out of every browser ("log out
    # everywhere"), as a password change does.
    session_epoch = models.PositiveIntegerField(_("session epoch"), default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def set_password(self, raw_password: str | None) -> None:
        from django.utils import timezone

        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def get_session_auth_hash(self) -> str:
        from django.utils.crypto import salted_hmac

        key_salt = "isogov.accounts.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, algorithm="sha256").hexdigest()

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class RoleAssignment(TimeStampedModel):
    """A role held by a user in one agency, or in one unit of it (phân quyền)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "agency", "unit"],
                condition=Q(unit__isnull=False),
                name="role_assignment_unique_in_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                condition=Q(unit__isnull=True),
                name="role_assignment_unique_in_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit or self.agency}"


class LoginLock(models.Model):
    """Failed sign-ins counted per username and per client address (khoá đăng nhập).

    ``key`` is ``user:<username>`` or ``ip:<address>``. After ``ISOGOV_LOCKOUT_FAILURES``
    failures (per address: ``ISOGOV_LOCKOUT_IP_FAILURES``) the key is locked for a delay that
    doubles with every new lock (ASVS 2.2.1); a success or an administrator's unlock clears it.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    lock_count = models.PositiveIntegerField(_("locks"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failure at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")

    def __str__(self) -> str:
        return self.key


class TotpDevice(models.Model):
    """A user's authenticator app (xác thực hai yếu tố): an RFC 6238 secret and recovery codes.

    ``recovery_hashes`` holds the SHA-256 of each unused recovery code; using one removes it.
    """

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(_("secret"), max_length=64)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_step = models.BigIntegerField(_("last time step used"), default=0)
    recovery_hashes = models.JSONField(_("recovery codes (hashed)"), default=list, blank=True)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return str(self.user)


class ApiKeyScope(models.TextChoices):
    """What a machine client may do with its key (hướng kết nối)."""

    READ = "read", _("Read data")
    PUSH_DOSSIERS = "push_dossiers", _("Push dossiers")
    RECEIVE_WEBHOOKS = "receive_webhooks", _("Receive webhooks")


class ApiKey(TimeStampedModel):
    """A machine client's key (khóa API), separate from the people's tokens.

    The client sends ``Authorization: ApiKey <key_id>.<secret>``. Only the SHA-256 of the
    secret is stored (the secret is 32 random bytes, so a slow hash adds nothing); it is shown
    once, when the key is created. A key acts for one agency only, within its scopes, until it
    expires or is revoked.
    """

    key_id = models.CharField(_("key identifier"), max_length=32, unique=True)
    secret_hash = models.CharField(_("secret (SHA-256)"), max_length=64, editable=False)
    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="api_keys"
    )
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key_id} ({self.name})"


class ApiToken(models.Model):
    """One of a user's named API tokens (mã truy cập API), e.g. one per script or device.

    Only the SHA-256 of the key is stored; the key is shown once, when it is made. A token
    expires ``ISOGOV_TOKEN_DAYS`` after it was made, is revoked by its owner one by one, and
    all of them by a password change or "log out everywhere" (ASVS 3.5.2, 3.3.3).
    ``last_used_at`` is refreshed at most once a minute.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True)
    prefix = models.CharField(_("first characters"), max_length=8)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"], name="apitoken_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
