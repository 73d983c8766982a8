"""The second factor after the password (entering the code, enrolling a device), and
the page of a locked sign-in.

Reached from ``staff.middleware.SignInStepsMiddleware``, which sends a signed-in
user here until the session has passed the step; both pages look like the
admin (its header and styles), without its menus.
"""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from core.admin.forms import add_domain_error
from core.errors import DomainError
from staff.errors import SecondFactorAlreadySet
from staff.forms import SecondFactorForm
from staff.services import second_factor_enrolment_device, second_factor_verify


@login_required(login_url="admin:login")
def second_factor(request):
    """The code of the user's authenticator app, once per sign-in."""
    return _code_page(request, "staff/second_factor.html", enrolling=False, context={})


@login_required(login_url="admin:login")
def second_factor_enrol(request):
    """Set up an authenticator app: scan the QR code (or type the key), enter a code."""
    try:
        device = second_factor_enrolment_device(user=request.user)
    except SecondFactorAlreadySet as error:
        messages.info(request, str(error))
        return redirect(_next_url(request))
    context = {"qr_code": qr_svg(device.config_url), "secret": _grouped_secret(device.bin_key)}
    return _code_page(request, "staff/second_factor_enrol.html", enrolling=True, context=context)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked username (``AXES_LOCKOUT_CALLABLE``): a page in
    Chinese saying how long the lock lasts and who can lift it."""
    context = {
        **admin.site.each_context(request),
        "username": (credentials or {}).get("username") or request.POST.get("username", ""),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return TemplateResponse(request, "staff/locked_out.html", context, status=429).render()


def _code_page(request, template, *, enrolling: bool, context: dict):
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor_verify(
                user=request.user, token=form.cleaned_data["token"], enrolling=enrolling
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            otp_login(request, device)
            if enrolling:
                messages.success(request, _("The authenticator app is set up."))
            return redirect(_next_url(request))
    context = {
        **admin.site.each_context(request),
        "title": _("Second factor"),
        "form": form,
        "next": _next_url(request),
        **context,
    }
    return TemplateResponse(request, template, context)


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def qr_svg(text: str) -> str:
    """``text`` as a QR code in SVG, drawn here (no image from elsewhere)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    out = io.BytesIO()
    image.save(out)
    return mark_safe(out.getvalue().decode().split("?>", 1)[-1])  # noqa: S308 (our own SVG)


def _grouped_secret(key: bytes) -> str:
    """The key in base32, as authenticator apps take it typed, in groups of four."""
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
