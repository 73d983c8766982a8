"""The roles of DOMAIN.md as permission groups, kept in sync on every migrate.

Besides DOMAIN.md's four, "national" (全国) reads every province (regional
scope, ``accounts/scope.py``).

What each role may do in every app is listed here, by ``app_label.codename``
(staff sits above the apps it names); the groups are named with their UI names.
The sync runs on staff's post_migrate, the last app's, when every app's
permissions exist; one that does not exist is skipped.
"""

from django.contrib.auth.models import Group, Permission

ROLE_NAMES = {
    "clerk": "窗口经办",
    "reviewer": "复核",
    "supervisor": "管理员",
    "auditor": "审计",
    "national": "全国",
}

_VIEW_ALL = [
    "accounts.view_province",
    "accounts.view_poolingregion",
    "accounts.view_provincepolicy",
    "accounts.view_insuredperson",
    "accounts.view_personalaccount",
    "accounts.view_wallet",
    "accounts.view_creditfileconfirmation",
    "accounts.view_ledgerentry",
    "accounts.view_sharingagreement",
    *(
        f"transfers.view_{model}"
        for model in (
            "sharingpayment",
            "heldpayment",
            "heldwalletspending",
            "reversal",
            "requestedreversal",
            "wallettransfer",
            "walletspending",
            "holdrules",
        )
    ),
]

ROLE_PERMISSIONS = {
    "clerk": [
        *_VIEW_ALL,
        "accounts.add_insuredperson",
        "accounts.change_insuredperson",
        "accounts.change_personalaccount",
        "accounts.export_data",
        "accounts.add_sharingagreement",
        "accounts.end_sharingagreement",
        "transfers.add_sharingpayment",
        "transfers.add_wallettransfer",
        "transfers.add_reversal",
    ],
    "reviewer": [
        *_VIEW_ALL,
        "accounts.export_data",
        "accounts.review_sharingagreement",
        "transfers.review_sharingpayment",
        "transfers.review_reversal",
    ],
    "supervisor": [
        *_VIEW_ALL,
        "accounts.change_poolingregion",
        "accounts.change_provincepolicy",
        "accounts.add_insuredperson",
        "accounts.change_insuredperson",
        "accounts.change_personalaccount",
        "accounts.import_persons",
        "accounts.import_credits",
        "accounts.import_agreements",
        "transfers.change_holdrules",
        "transfers.import_settlements",
        "transfers.import_wallet_transfers",
        "accounts.view_unmasked",
        "accounts.export_unmasked",
        "accounts.export_data",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "staff.view_passwordreset",
        "staff.view_loginlock",
        "staff.unlock_loginlock",
        "accounts.scope_province",
        "accounts.view_servicehall",
        "accounts.add_servicehall",
        "accounts.change_servicehall",
        "accounts.view_staffplacement",
        "accounts.add_staffplacement",
        "accounts.change_staffplacement",
        "core.view_trail",
        "transfers.view_importexception",
    ],
    "auditor": [
        *_VIEW_ALL,
        "accounts.view_unmasked",
        "accounts.export_data",
        "staff.view_passwordreset",
        "accounts.scope_province",
        "accounts.view_servicehall",
        "core.view_trail",
        "transfers.view_importexception",
    ],
    # The national office: sees and exports every province, changes nothing.
    "national": [
        *_VIEW_ALL,
        "accounts.export_data",
        "accounts.scope_national",
        "accounts.view_servicehall",
        "core.view_trail",
    ],
}


def roles_sync() -> dict[str, Group]:
    """Create the role groups and give each exactly its listed permissions."""
    groups = {}
    for role, name in ROLE_NAMES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [p.split(".", 1) for p in ROLE_PERMISSIONS[role]]
        perms = [
            p
            for p in Permission.objects.select_related("content_type")
            if [p.content_type.app_label, p.codename] in wanted
        ]
        group.permissions.set(perms)
        groups[role] = group
    return groups


def roles_sync_on_migrate(**kwargs):
    roles_sync()
