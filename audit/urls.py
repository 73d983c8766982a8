"""The auditor's screen, mounted under /admin/audit/."""

from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("trail/", views.trail, name="trail"),
    path("disclosures/", views.disclosures, name="disclosures"),
]
