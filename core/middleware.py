"""The audit trail's context for each request (who, role, hall, URL)."""

from django.core.handlers.wsgi import WSGIRequest as DjangoWSGIRequest
from pghistory import config
from pghistory.middleware import WSGIRequest

from core.audit import audit_context, audit_context_of


class AuditContextMiddleware:
    """pghistory's middleware (``pghistory.middleware.HistoryMiddleware``), with the
    user's name, role and hall beside their id, and a context that ends with the
    request (``audit_context``). After authentication, so the user is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in config.middleware_methods():
            return self.get_response(request)
        user = getattr(request, "user", None)
        with audit_context(**audit_context_of(user), url=request.path):
            if isinstance(request, DjangoWSGIRequest):
                # pghistory's request class: a user set later (a sign-in) joins the context.
                request.__class__ = WSGIRequest
            return self.get_response(request)
