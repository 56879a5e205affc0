"""Roles as Django groups, and the permissions each one holds (DESIGN §2).

Administrators are superusers and hold every permission. Which records a user may read is
decided by fms.cases.selectors; which steps a user may take, by the permissions below.
"""

from django.contrib.auth.models import Group, Permission

CASE_OFFICER = "case_officer"
REVIEWER = "reviewer"
CLIENT = "client"
CLIENT_OFFICER = "client_officer"
CLIENT_ADMIN = "client_admin"
AUDITOR = "auditor"
CN_OFFICER = "cn_officer"  # DSCA congressional-notification staff (DESIGN §2, §4.4)
FINANCE_OFFICER = "finance_officer"
# Roles of a purchaser's own people: every user in one of them is bound to a purchaser.
CLIENT_ROLES = (CLIENT, CLIENT_OFFICER, CLIENT_ADMIN)
# The roles a purchaser's administrator may give its own people (never its own: DESIGN §2, §5).
ROLES_A_CLIENT_ADMIN_GRANTS = (CLIENT, CLIENT_OFFICER)

# The groups whose members must pass a second factor at web sign-in (and superusers, see
# fms.accounts.mfa.mfa_required). Names, not constants of this module: some of these groups are
# defined by other parts of accounts as they land; membership of any of them requires MFA.
MFA_REQUIRED_ROLES = frozenset(
    {"case_officer", "reviewer", "cn_officer", "finance_officer", "client_officer", "client_admin"}
)

_READ_DOMAIN = [
    "reference.view_purchaser",
    "reference.view_implementingagency",
    "notifications.view_congressionalnotification",
    "cases.view_case",
    "cases.view_lineitem",
    "ledger.view_approvalevent",
    "documents.view_loadocument",
    "execution.view_delivery",
    "execution.view_supplydiscrepancyreport",
    "execution.view_financialtransaction",
]

# Staff manage their own API tokens (administrators anyone's); client tokens are issued for them.
_OWN_TOKENS = ["accounts.view_apitoken", "accounts.add_apitoken", "accounts.change_apitoken"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    CASE_OFFICER: [
        *_READ_DOMAIN,
        *_OWN_TOKENS,
        "cases.add_case",
        "cases.change_case",
        "cases.transition_case",
        "cases.add_lineitem",
        "cases.change_lineitem",
        "cases.delete_lineitem",
        "documents.add_loadocument",
        "documents.offer_loadocument",
        "documents.record_acceptance",
        "execution.add_delivery",
        "execution.resolve_sdr",
    ],
    REVIEWER: [
        *_READ_DOMAIN,
        *_OWN_TOKENS,
        "cases.approve_lineitem",
        "cases.review_case",
        "documents.reinstate_loadocument",
        "execution.add_emergencyimplementation",
    ],
    CLIENT: list(_READ_DOMAIN),
    CLIENT_OFFICER: [*_READ_DOMAIN, "documents.accept_loadocument", "execution.file_sdr"],
    # DSCA / DFAS finance: imports DFAS transactions and records deposits and collections (DESIGN §2).
    FINANCE_OFFICER: [*_READ_DOMAIN, *_OWN_TOKENS, "execution.add_financialtransaction"],
    # Records and edits 36(b) notifications; a second cn_officer approves sensitive changes. Case
    # officers only link a case to a notification that exists.
    CN_OFFICER: [
        *_READ_DOMAIN,
        *_OWN_TOKENS,
        "notifications.add_congressionalnotification",
        "notifications.change_congressionalnotification",
        "notifications.approve_notificationchange",
        "notifications.view_notificationchange",
    ],
    CLIENT_ADMIN: [*_READ_DOMAIN, "accounts.manage_purchaser_users"],
    AUDITOR: [
        *_READ_DOMAIN,
        *_OWN_TOKENS,
        "accounts.view_user",
        "accounts.view_readaudit",  # all of it; a client_admin reads its purchaser's part by its own permission
        "pghistory.view_events",
    ],
}


def holds_role_permission(user, permission: str) -> bool:
    """Whether the user holds this permission through a role, as a decision needs (DESIGN §2).

    Like `has_perm`, except that a superuser holds it only when also in a group that grants it:
    an administrator manages the system but decides nothing for a role they do not have.
    """
    if not user.is_superuser:
        return user.has_perm(permission)
    app_label, codename = permission.split(".")
    return Permission.objects.filter(group__user=user, content_type__app_label=app_label, codename=codename).exists()


def ensure_roles() -> None:
    """Create the role groups and give each exactly the permissions listed above."""
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def ensure_roles_after_migrate(**kwargs) -> None:
    ensure_roles()
