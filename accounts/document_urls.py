"""URLs of the printed documents and reports, mounted under /admin/documents/."""

from django.urls import path

from accounts import document_views

app_name = "documents"
urlpatterns = [
    path("accounts/<int:pk>/statement/", document_views.account_statement, name="statement"),
    path(
        "persons/<int:pk>/sharing-received/",
        document_views.beneficiary_statement,
        name="beneficiary_statement",
    ),
    path("reports/sharing/", document_views.sharing_report, name="sharing_report"),
    path(
        "reports/sharing/export/",
        document_views.sharing_report_export,
        name="sharing_report_export",
    ),
]
