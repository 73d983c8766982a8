"""``{% big_result_list cl %}``: Django's ``{% result_list cl %}`` with a big list's
rows written one string a row (``core.admin.rows``)."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from core.admin.rows import big_result_list

register = template.Library()


@register.tag(name="big_result_list")
def big_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=big_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
