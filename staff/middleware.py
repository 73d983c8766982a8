"""What happens between the password and the work: idle expiry, the second factor,
a password change that is due.

Installed after ``django_otp.middleware.OTPMiddleware`` (which tells whether
the session passed a second factor, ``request.user.is_verified()``).
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from staff.services import has_second_factor, must_change_password, second_factor_required

LAST_SEEN = "yibao_last_seen"  # session key: Unix time of the user's last request
# Seconds between two writes of LAST_SEEN: the session (three statements) is saved
# at most once a minute, not on every request; idle expiry is to the minute.
LAST_SEEN_STEP = 60


class IdleTimeoutMiddleware:
    """Signs out a session left alone for ``settings.YIBAO_IDLE_MINUTES``.

    Why: counter PCs are shared; a clerk who walks away must not leave the next
    person signed in as them. The cookie itself ends with the browser
    (``SESSION_EXPIRE_AT_BROWSER_CLOSE``). The last request's time is kept to the
    minute (``LAST_SEEN_STEP``), so a session may end up to a minute early.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            minutes = settings.YIBAO_IDLE_MINUTES
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > minutes * 60:
                logout(request)
                messages.warning(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity.")
                    % {"minutes": minutes},
                )
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if last_seen is None or now - last_seen >= LAST_SEEN_STEP:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class SignInStepsMiddleware:
    """Keeps a signed-in user on the step they still owe before any other page.

    1. The second factor: a user with a confirmed device enters its code
       (``staff:second_factor``); a user who must have one (supervisors) and has
       none enrols one first (``staff:second_factor_enrol``).
    2. A password somebody else set (a reset, a new user) is changed first
       (the admin's password change page).
    """

    ALWAYS_OPEN = ("admin:logout", "admin:jsi18n")
    SECOND_FACTOR_PAGES = ("staff:second_factor", "staff:second_factor_enrol")
    PASSWORD_PAGES = ("admin:password_change", "admin:password_change_done")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and request.path not in self._paths(self.ALWAYS_OPEN):
            step = self._pending_step(user)
            if step and request.path not in self._paths(self._pages(step)):
                if step == "admin:password_change":
                    messages.warning(
                        request,
                        _("Your password was set by somebody else: choose your own to go on."),
                    )
                return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _pending_step(self, user) -> str | None:
        if not user.is_verified():
            if has_second_factor(user):
                return "staff:second_factor"
            if second_factor_required(user):
                return "staff:second_factor_enrol"
        if must_change_password(user):
            return "admin:password_change"
        return None

    def _pages(self, step: str):
        return self.PASSWORD_PAGES if step.startswith("admin:") else self.SECOND_FACTOR_PAGES

    @staticmethod
    def _paths(names) -> set[str]:
        return {reverse(name) for name in names}
