"""The sign-in steps after the password, mounted under /admin/sign-in/."""

from django.urls import path

from staff import views

app_name = "staff"
urlpatterns = [
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/enrol/", views.second_factor_enrol, name="second_factor_enrol"),
]
