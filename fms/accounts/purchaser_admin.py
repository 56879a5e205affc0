"""A purchaser's own administration (DESIGN §2, §5): its `client_admin` creates and deactivates
the purchaser's `client` and `client_officer` users and issues and revokes their tokens.

The only writer of these changes. Every refusal leaves nothing changed: a role it may not give
(its own `client_admin`, a staff role) is a 403; a user outside its scope (another purchaser's, a
staff user, itself, another administrator) a 404, as if there were no such user.
"""

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fms.accounts import selectors, services
from fms.accounts.models import ApiToken, User
from fms.accounts.roles import CLIENT, CLIENT_OFFICER, ROLE_PERMISSIONS, ROLES_A_CLIENT_ADMIN_GRANTS
from fms.core.errors import NotAllowed, NotFound, ValidationFailed

# The groups each role a client_admin gives consists of (a client_officer reads as a client too).
ROLE_GROUPS = {CLIENT: (CLIENT,), CLIENT_OFFICER: (CLIENT, CLIENT_OFFICER)}


def role_of(user: User) -> str:
    names = {group.name for group in user.groups.all()}
    return CLIENT_OFFICER if CLIENT_OFFICER in names else CLIENT


def _require_admin(actor: User) -> None:
    if not selectors.is_purchaser_admin(actor):
        raise NotAllowed("Only a purchaser's administrator (client_admin) manages its purchaser's users.")


def managed_user(actor: User, username: str) -> User:
    _require_admin(actor)
    try:
        return selectors.administered_user(actor, username)
    except User.DoesNotExist:
        raise NotFound(f"No user {username} of {actor.purchaser_id} that you manage.") from None


def _checked_role(role: str) -> str:
    if role in ROLES_A_CLIENT_ADMIN_GRANTS:
        return role
    grantable = " or ".join(ROLES_A_CLIENT_ADMIN_GRANTS)
    if role in ROLE_PERMISSIONS:
        raise NotAllowed(f"A purchaser's administrator gives only {grantable}, not {role}.")
    raise ValidationFailed({"role": [f"Use {grantable}."]})


def purchaser_user_create(
    *, actor: User, username: str, role: str, first_name: str = "", last_name: str = "", email: str = "",
    password: str = "",
) -> User:  # fmt: skip
    """A new user of the actor's purchaser in `role`. Without a password it signs in with tokens only."""
    _require_admin(actor)
    role = _checked_role(role)
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        User.username_validator(username)
    except ValidationError as invalid:
        errors["username"] = list(invalid.messages)
    if not username:
        errors["username"] = ["Required."]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [f"{username} is taken."]
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if password:
        try:
            validate_password(password, candidate)
        except ValidationError as weak:
            errors["password"] = list(weak.messages)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        candidate.purchaser_id = actor.purchaser_id
        candidate.is_staff = False
        if password:
            candidate.set_password(password)
        else:
            candidate.set_unusable_password()
        candidate.save()
        candidate.groups.set(Group.objects.filter(name__in=ROLE_GROUPS[role]))
    return candidate


def purchaser_user_deactivate(*, actor: User, username: str) -> User:
    """Deactivate one of the purchaser's users and revoke its tokens at once."""
    with transaction.atomic():
        user = managed_user(actor, username)
        user.is_active = False
        user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return user


def purchaser_token_issue(*, actor: User, username: str, days: int, name: str = "") -> tuple[ApiToken, str]:
    """A read-only token bound to the purchaser for one of its users; the secret is shown once."""
    user = managed_user(actor, username)
    return services.token_issue(actor=actor, user=user, days=days, name=name)


def token_revoke_by_prefix(*, actor: User, prefix: str) -> ApiToken:
    """Revoke a token the actor may revoke (its own, or its purchaser's users'), named by its prefix."""
    token = selectors.tokens_revocable_by(actor).filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(f"No active token {prefix} that you may revoke.")
    return services.token_revoke(actor=actor, token=token)
