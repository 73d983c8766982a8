"""URLs of the printed documents, mounted under /admin/documents/."""

from django.urls import path

from accounts import document_views
from core.views import verify_document

app_name = "documents"
urlpatterns = [
    path("accounts/<int:pk>/statement/", document_views.account_statement, name="statement"),
    path(
        "persons/<int:pk>/sharing-received/",
        document_views.beneficiary_statement,
        name="beneficiary_statement",
    ),
    path("verify/<str:code>/", verify_document, name="verify"),
]
