"""URLs of the reports page (统计), mounted under /admin/documents/reports/."""

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("sharing/", views.sharing_report, name="sharing_report"),
    path("sharing/export/", views.sharing_report_export, name="sharing_report_export"),
]
