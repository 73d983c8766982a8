"""User administration grants nothing beyond the acting user's own permissions.

The attack of issue 11: a supervisor made a user superuser, or reset a
reviewer's password and approved as that reviewer what they had imported.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.models import StaffPlacement
from accounts.tests.factories import PASSWORD, make_hall, make_user
from staff.models import PasswordReset
from staff.roles import ROLE_NAMES

NEW_PASSWORD = "Qm7-hall-Zt4x"


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def user_form(user, **changes):
    """The change form's fields as the page would send them back."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [str(g.pk) for g in user.groups.all()],
        "user_permissions": [],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        **placement_form(user),
    }
    data.update(changes)
    return data


def placement_form(user, hall=None) -> dict:
    """The service hall inline as the page sends it back (``hall``: a new choice)."""
    placement = StaffPlacement.objects.filter(user=user).first()
    chosen = hall or (placement and placement.hall)
    return {
        "placement-TOTAL_FORMS": "1",
        "placement-INITIAL_FORMS": "1" if placement else "0",
        "placement-MIN_NUM_FORMS": "0",
        "placement-MAX_NUM_FORMS": "1",
        "placement-0-user": str(user.pk),
        "placement-0-hall": str(chosen.pk) if chosen else "",
    }


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def newcomer(db):
    """A staff user without any role yet."""
    return make_user(None, username="newcomer")


def test_supervisor_cannot_make_anybody_a_superuser(supervisor_client, newcomer):
    page = supervisor_client.get(change_url(newcomer)).content.decode()
    response = supervisor_client.post(change_url(newcomer), user_form(newcomer, is_superuser="on"))

    newcomer.refresh_from_db()
    assert 'name="is_superuser"' not in page  # shown, not offered
    assert response.status_code == 302 and not newcomer.is_superuser


def test_supervisor_cannot_give_a_role_with_permissions_they_lack(supervisor_client, newcomer):
    reviewer_group = Group.objects.get(name=ROLE_NAMES["reviewer"])

    response = supervisor_client.post(
        change_url(newcomer), user_form(newcomer, groups=[str(reviewer_group.pk)])
    )

    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not newcomer.groups.exists()


def test_supervisor_is_offered_only_groups_and_permissions_they_have(supervisor_client, newcomer):
    form = supervisor_client.get(change_url(newcomer)).context["adminform"].form

    groups = {g.name for g in form.fields["groups"].queryset}
    permissions = {
        f"{p.content_type.app_label}.{p.codename}" for p in form.fields["user_permissions"].queryset
    }
    # The auditor's permissions are all a supervisor's; the clerk and the reviewer
    # have some that a supervisor lacks (registering agreements, reviewing).
    assert groups == {ROLE_NAMES["supervisor"], ROLE_NAMES["auditor"]}
    assert "accounts.view_unmasked" in permissions
    assert "accounts.review_sharingagreement" not in permissions
    assert "auth.delete_user" not in permissions


def test_supervisor_gives_a_role_they_may_give(supervisor_client, newcomer):
    auditor_group = Group.objects.get(name=ROLE_NAMES["auditor"])

    response = supervisor_client.post(
        change_url(newcomer), user_form(newcomer, groups=[str(auditor_group.pk)])
    )

    assert response.status_code == 302
    assert list(newcomer.groups.all()) == [auditor_group]


def test_supervisor_can_neither_change_a_reviewer_nor_reset_the_password(
    supervisor_client, reviewer
):
    page = supervisor_client.get(change_url(reviewer))
    changed = supervisor_client.post(change_url(reviewer), user_form(reviewer, first_name="x"))
    reset = supervisor_client.post(
        password_url(reviewer),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set-password": "1"},
    )

    reviewer.refresh_from_db()
    assert page.status_code == 200 and 'name="first_name"' not in page.content.decode()
    assert changed.status_code == 403 and reset.status_code == 403
    assert reviewer.first_name == "" and reviewer.check_password(PASSWORD)
    assert not PasswordReset.objects.exists()


def test_supervisor_cannot_change_a_superuser(supervisor_client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="Vr9-root-Kq2m")
    StaffPlacement.objects.create(user=root, hall=make_hall())  # in the supervisor's scope

    response = supervisor_client.post(password_url(root), {"password1": NEW_PASSWORD})

    root.refresh_from_db()
    assert response.status_code == 403 and root.check_password("Vr9-root-Kq2m")


def test_a_reset_is_recorded_and_the_user_must_change_it_at_next_sign_in(
    supervisor_client, supervisor, auditor
):
    response = supervisor_client.post(
        password_url(auditor),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "set-password": "1"},
    )
    assert response.status_code == 302
    reset = PasswordReset.objects.get()
    assert (reset.user, reset.reset_by) == (auditor, supervisor)
    assert reset.reset_at is not None

    browser = Client()
    signed_in = browser.post(
        reverse("admin:login"), {"username": auditor.username, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    index = browser.get(reverse("admin:index"), follow=True)
    assert index.redirect_chain[-1][0].startswith(reverse("admin:password_change"))
    assert "您的密码是他人设置的" in index.content.decode()

    own = "Lx4-my-own-Wp8"
    changed = browser.post(
        reverse("admin:password_change"),
        {"old_password": NEW_PASSWORD, "new_password1": own, "new_password2": own},
    )
    assert changed.status_code == 302
    assert browser.get(reverse("admin:index")).status_code == 200
    auditor.refresh_from_db()
    assert auditor.check_password(own)


def test_a_new_users_first_password_is_recorded_and_must_be_changed(supervisor_client, supervisor):
    response = supervisor_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "clerk9",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            # A new user is placed in a hall of the supervisor's scope (required).
            "placement-TOTAL_FORMS": "1",
            "placement-INITIAL_FORMS": "0",
            "placement-0-hall": str(supervisor.placement.hall.pk),
        },
    )

    assert response.status_code == 302
    reset = PasswordReset.objects.get()
    assert reset.user.placement.hall == supervisor.placement.hall
    assert (reset.user.username, reset.reset_by) == ("clerk9", supervisor)
    assert reset.user.staff_profile.must_change_password


def test_a_group_editor_cannot_widen_a_group_beyond_their_own_permissions(client, newcomer):
    newcomer.user_permissions.set(
        Permission.objects.filter(content_type__app_label="auth", codename__endswith="_group")
    )
    client.force_login(newcomer)
    reviewers = Group.objects.get(name=ROLE_NAMES["reviewer"])
    empty = Group.objects.create(name="新组")
    review = Permission.objects.get(codename="review_sharingagreement")

    refused = client.post(reverse("admin:auth_group_change", args=[reviewers.pk]), {"name": "复核"})
    widened = client.post(
        reverse("admin:auth_group_change", args=[empty.pk]),
        {"name": "新组", "permissions": [str(review.pk)]},
    )

    assert refused.status_code == 403
    assert widened.status_code == 200 and not empty.permissions.exists()


def test_supervisor_places_users_only_in_halls_of_their_province(supervisor_client, db):
    """苏州's supervisor (江苏省) moves an auditor to 南京's hall, not to 南阳's."""
    auditor = make_user("auditor")
    nanjing, nanyang = make_hall("320100"), make_hall("411300")
    page = supervisor_client.get(change_url(auditor))
    offered = {
        hall.pk
        for hall in page.context["inline_admin_formsets"][0]
        .formset.forms[0]
        .fields["hall"]
        .queryset
    }
    assert nanjing.pk in offered and nanyang.pk not in offered
    refused = supervisor_client.post(
        change_url(auditor), {**user_form(auditor), **placement_form(auditor, nanyang)}
    )
    assert refused.status_code == 200
    assert StaffPlacement.objects.get(user=auditor).hall.region_id == "320500"
    moved = supervisor_client.post(
        change_url(auditor), {**user_form(auditor), **placement_form(auditor, nanjing)}
    )
    assert moved.status_code == 302
    assert StaffPlacement.objects.get(user=auditor).hall == nanjing


def test_supervisor_sees_the_users_and_halls_of_their_province_only(supervisor_client, db):
    here, elsewhere = make_user("auditor", region="320100"), make_user("auditor", region="411300")
    users = supervisor_client.get(reverse("admin:auth_user_changelist")).context["cl"]
    shown = {user.pk for user in users.result_list}
    assert here.pk in shown and elsewhere.pk not in shown
    assert supervisor_client.get(change_url(elsewhere)).status_code == 404
    halls = supervisor_client.get(reverse("admin:accounts_servicehall_changelist")).context["cl"]
    assert {hall.region_id for hall in halls.result_list} == {"320500", "320100"}
    new_hall = {"code": "4113-09", "name": "南阳新大厅", "region": "411300"}
    response = supervisor_client.post(reverse("admin:accounts_servicehall_add"), new_hall)
    assert "不在您所在服务大厅的统筹区范围内" in " ".join(
        response.context["adminform"].form.errors["region"]
    )
