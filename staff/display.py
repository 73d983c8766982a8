"""How staff users and permissions read on screen: in Chinese, by name.

Django shows a user by username and a permission by its stored English name
("Can view insured person") in every list column, read-only field, choice and
printed footer. A record names who did it by the person's name (姓名: family name
then given name, no space), and a permission as 模型 | 操作 in the UI language.
Installed once, on the models themselves (``StaffConfig.ready``), so that every
place Django or our templates call ``str()`` or ``get_full_name()`` agrees.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils.translation import gettext, pgettext_lazy

PERMISSION_ACTIONS = {
    "add": pgettext_lazy("permission", "add"),
    "change": pgettext_lazy("permission", "change"),
    "delete": pgettext_lazy("permission", "delete"),
    "view": pgettext_lazy("permission", "view"),
}


def staff_full_name(user) -> str:
    """姓名 as a Chinese name is written: last name, then first name."""
    return f"{user.last_name}{user.first_name}".strip()


def staff_name(user) -> str:
    """The name of a staff user, or the username for one who has none."""
    return staff_full_name(user) or user.get_username()


def permission_label(permission) -> str:
    """A permission as 参保人员 | 查看. A permission of our own (``Meta.permissions``)
    is declared with a translatable name: that name is shown, translated."""
    content_type = permission.content_type
    model = content_type.model_class()
    model_name = model._meta.verbose_name if model else content_type.model
    action = permission.codename.partition("_")[0]
    if permission.codename == f"{action}_{content_type.model}" and action in PERMISSION_ACTIONS:
        return f"{model_name} | {PERMISSION_ACTIONS[action]}"
    return f"{model_name} | {gettext(permission.name)}"


def staff_display_install() -> None:
    user_model = get_user_model()
    user_model.__str__ = staff_name
    user_model.get_full_name = staff_full_name
    Permission.__str__ = permission_label
