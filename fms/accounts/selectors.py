"""Who a purchaser's administrator (`client_admin`, DESIGN §2 and §5) may act on: the one scoped
reader of users and tokens for purchaser administration.

Its own purchaser's `client` and `client_officer` users, and nobody else: not itself, not another
administrator, not a staff user or superuser, not another purchaser's people. A user outside
that scope is not found (404), exactly like one that does not exist.
"""

from django.contrib.auth.models import Group
from django.db.models import QuerySet

from fms.accounts.models import ApiToken, User
from fms.accounts.roles import ROLES_A_CLIENT_ADMIN_GRANTS

MANAGE = "accounts.manage_purchaser_users"


def is_purchaser_admin(user: User) -> bool:
    """A purchaser's administrator: bound to a purchaser and holding the management permission.

    An operator (superuser) manages users in the admin, not here: this is the purchaser's own scope.
    """
    return bool(
        user.is_authenticated
        and user.is_active
        and user.purchaser_id
        and not user.is_superuser
        and not user.is_staff
        and user.has_perm(MANAGE)
    )


def administered_users(admin: User) -> QuerySet[User]:
    """The users `admin` may create, deactivate and issue tokens for (none unless a purchaser's administrator)."""
    if not is_purchaser_admin(admin):
        return User.objects.none()
    other_roles = Group.objects.exclude(name__in=ROLES_A_CLIENT_ADMIN_GRANTS)
    return (
        User.objects.filter(purchaser_id=admin.purchaser_id, is_staff=False, is_superuser=False)
        .exclude(pk=admin.pk)
        .exclude(groups__in=other_roles)
        .exclude(user_permissions__isnull=False)  # a permission given one by one is an operator's decision
    )


def administered_user(admin: User, username: str) -> User:
    """One user in `admin`'s scope, or User.DoesNotExist."""
    return administered_users(admin).get(username=username)


def administers(admin: User, user: User) -> bool:
    return administered_users(admin).filter(pk=user.pk).exists()


def tokens_revocable_by(actor: User) -> QuerySet[ApiToken]:
    """Tokens `actor` may revoke: its own, and its administered users' (an operator: any)."""
    if actor.is_superuser:
        return ApiToken.objects.all()
    mine = ApiToken.objects.filter(user=actor)
    return mine | ApiToken.objects.filter(user__in=administered_users(actor).values("pk"))
