"""The page the transfers screens' counter actions share."""

from django.template.response import TemplateResponse


def counter_page(modeladmin, request, form, title, template="admin/form_page.html", **extra):
    """A form page inside the admin (breadcrumbs, messages) for a counter action."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        "form": form,
        **extra,
    }
    return TemplateResponse(request, template, context)
