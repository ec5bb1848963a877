"""Two-factor sign-in with an authenticator app (xác thực hai yếu tố), ASVS 2.7/2.8.

Required for the roles in ``ISOGOV_2FA_REQUIRED_ROLES``; the demo accounts are exempt while
``ISOGOV_2FA_EXEMPT_DEMO`` is on (and the sign-in page says so). A used time step is never
accepted twice; each recovery code works once.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isogov.audit.services import audit_record
from isogov.core.errors import ValidationFailed

from .. import totp
from ..demo import USERS as DEMO_USERS
from ..models import RoleAssignment, TotpDevice, User

WRONG_CODE = _("The code is wrong or has expired. Enter the code your app shows now.")
RECOVERY_CODES = 10


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").encode()).hexdigest()


def user_is_demo(user: User) -> bool:
    return user.username in {row[0] for row in DEMO_USERS}


def two_factor_required(user: User) -> bool:
    """Whether ``user`` must sign in with a second factor."""
    if settings.ISOGOV_2FA_EXEMPT_DEMO and user_is_demo(user):
        return False
    roles = set(settings.ISOGOV_2FA_REQUIRED_ROLES)
    return user.is_superuser or RoleAssignment.objects.filter(user=user, role__in=roles).exists()


def two_factor_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


@transaction.atomic
def two_factor_enrol(*, user: User, secret: str, code: str) -> list[str]:
    """Confirm the app with one of its codes; returns the recovery codes (shown once)."""
    step = totp.matching_step(secret, code)
    if step is None:
        raise ValidationFailed(WRONG_CODE, details={"code": [str(WRONG_CODE)]})
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    TotpDevice.objects.update_or_create(
        user=user,
        defaults={
            "secret": secret,
            "confirmed_at": timezone.now(),
            "last_step": step,
            "recovery_hashes": [_hash(c) for c in codes],
        },
    )
    audit_record(actor=user, action="user.two_factor_enrolled", target=user)
    return codes


@transaction.atomic
def two_factor_check(*, user: User, code: str) -> bool:
    """A current code (each time step once) or an unused recovery code."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is None:
        return False
    step = totp.matching_step(device.secret, code)
    if step is not None and step > device.last_step:
        device.last_step = step
        device.save(update_fields=["last_step"])
        return True
    hashed = _hash(code)
    if hashed in device.recovery_hashes:
        device.recovery_hashes = [h for h in device.recovery_hashes if h != hashed]
        device.save(update_fields=["recovery_hashes"])
        audit_record(
            actor=user,
            action="user.recovery_code_used",
            target=user,
            after={"left": len(device.recovery_hashes)},
        )
        return True
    return False
