"""The verify page of a printed document: what was issued under a QR's code.

A signed-in staff user (the QR leads to the sign-in page first) sees the facts
stored when the document was printed: type, serial, person (masked), amounts,
time and operator. Codes are random; an unknown one is a 404.
"""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from core.models import IssuedDocument


@staff_member_required
def verify_document(request, code):
    document = get_object_or_404(IssuedDocument.objects.select_related("issued_by"), code=code)
    context = {
        **admin.site.each_context(request),
        "title": _("Verify a printed document"),
        "document": document,
    }
    return TemplateResponse(request, "print/verify.html", context)
