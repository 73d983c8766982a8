"""Staff administration: who may manage whom, password resets, the second factor.

The rule against escalation (issue 11): a user may grant only what they have.
Groups and permissions offered in the user admin are those within the acting
user's own permissions, superuser status only by a superuser, and a user who
has anything the acting user lacks cannot be changed by them at all — so a
supervisor can neither make a reviewer nor take over a reviewer's login by
resetting the password. A password set by somebody else is recorded
(``PasswordReset``) and must be changed at the next sign-in
(``StaffProfile.must_change_password``, enforced by ``staff.middleware``).

The second factor is a TOTP device of django-otp (RFC 6238: an authenticator
app on the user's phone shows a 6-digit code every 30 seconds); django-otp
keeps a device's wrong tries (it then refuses for a growing delay) and the
last code used (a code is accepted once).
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.errors import (
    SecondFactorAlreadySet,
    SecondFactorThrottled,
    SecondFactorWrongCode,
    UserOutrankedYou,
)
from staff.models import PasswordReset, StaffProfile
from staff.roles import ROLE_NAMES

# Roles whose members must sign in with a second factor (a TOTP device).
SECOND_FACTOR_ROLES = ("supervisor",)


def _permission_keys(user) -> set[str]:
    return set(user.get_all_permissions())


def grantable_permissions(actor):
    """The permissions ``actor`` may give: their own (all, for a superuser)."""
    permissions = Permission.objects.select_related("content_type")
    if actor.is_superuser:
        return permissions
    query = Q(pk__in=[])
    for key in _permission_keys(actor):
        app_label, codename = key.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return permissions.filter(query)


def grantable_groups(actor):
    """The groups ``actor`` may give: those none of whose permissions they lack."""
    if actor.is_superuser:
        return Group.objects.all()
    lacking = Permission.objects.exclude(pk__in=grantable_permissions(actor).values("pk"))
    return Group.objects.exclude(permissions__in=lacking)


def user_may_manage(actor, user) -> bool:
    """Whether ``actor`` may change ``user``: ``user`` has nothing ``actor`` lacks."""
    if actor.is_superuser:
        return True
    return not user.is_superuser and _permission_keys(user) <= _permission_keys(actor)


def user_password_reset(*, user, password: str, operator) -> None:
    """Set ``user``'s password on behalf of ``operator``.

    Preconditions: ``operator`` may manage ``user`` (else ``UserOutrankedYou``);
    the password has passed the validators (the form's job). A reset of
    somebody else's password is recorded and forces a change at their next
    sign-in; setting one's own is an ordinary change.
    """
    if not user_may_manage(operator, user):
        raise UserOutrankedYou(username=user.get_username())
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        if user.pk != operator.pk:
            password_reset_record(user=user, operator=operator)
        else:
            _must_change_set(user, False)


def password_reset_record(*, user, operator) -> PasswordReset:
    """Record that ``operator`` set ``user``'s password; ``user`` must change it."""
    with transaction.atomic():
        _must_change_set(user, True)
        return PasswordReset.objects.create(user=user, reset_by=operator)


def user_password_change(*, user, password: str) -> None:
    """The user's own change of their password: it is theirs alone again."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _must_change_set(user, False)


def has_second_factor(user) -> bool:
    """Has ``user`` a confirmed device? A session that passed the second factor has
    one (no query); else asked once and kept on the user object for the request
    (the sign-in steps and the menu both ask)."""
    is_verified = getattr(user, "is_verified", None)  # set by django_otp's middleware
    if is_verified is not None and is_verified():
        return True
    if not hasattr(user, "_has_second_factor"):
        user._has_second_factor = user_has_device(user, confirmed=True)
    return user._has_second_factor


def must_change_password(user) -> bool:
    """From the profile loaded with the request's user (``staff.backends``), else read."""
    descriptor = user.__class__.staff_profile
    if descriptor.is_cached(user):
        profile = descriptor.related.get_cached_value(user)
    else:
        profile = StaffProfile.objects.filter(user=user).first()
    return bool(profile and profile.must_change_password)


def _must_change_set(user, value: bool) -> None:
    StaffProfile.objects.update_or_create(user=user, defaults={"must_change_password": value})


def second_factor_required(user) -> bool:
    """Supervisors and superusers sign in with a second factor; others may choose to."""
    names = [ROLE_NAMES[role] for role in SECOND_FACTOR_ROLES]
    return user.is_superuser or user.groups.filter(name__in=names).exists()


TOTP_DEVICE_NAME = "authenticator"


def second_factor_enrolment_device(*, user) -> TOTPDevice:
    """The unconfirmed device ``user`` is setting up (made on first call; its key is
    what the QR code shows). Refused once ``user`` has a confirmed device: another
    one is added by a superuser, after the first is removed."""
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        raise SecondFactorAlreadySet()
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": TOTP_DEVICE_NAME}
    )
    return device


def second_factor_verify(*, user, token: str, enrolling: bool = False) -> TOTPDevice:
    """The device of ``user`` that accepts ``token``; with ``enrolling``, the device
    being set up, which the right code confirms.

    Raises ``SecondFactorThrottled`` while the device refuses after wrong codes,
    ``SecondFactorWrongCode`` otherwise. Devices are locked while checked, so one
    code is accepted once even when sent twice at the same moment.
    """
    with transaction.atomic():
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=not enrolling)
        for device in devices.select_for_update().order_by("pk"):
            allowed, details = device.verify_is_allowed()
            if not allowed:
                wait = (details or {}).get("locked_until")
                seconds = max(1, int((wait - timezone.now()).total_seconds())) if wait else 1
                raise SecondFactorThrottled(seconds=seconds)
            if device.verify_token(token):
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                return device
    raise SecondFactorWrongCode()


def login_unlock(*, usernames) -> int:
    """Clear the failed sign-ins of ``usernames`` (django-axes' lock): they may sign in
    again at once. Returns how many rows were cleared (the admin logs who did it)."""
    from axes.utils import reset

    return sum(reset(username=username) for username in set(usernames))
