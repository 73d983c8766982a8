from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/documents/reports/", include("reports.urls")),
    path("admin/audit/", include("audit.urls")),
    path("admin/documents/", include("accounts.document_urls")),
    path("admin/sign-in/", include("staff.urls")),
    path("admin/", admin.site.urls),
]
