from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "fms.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from fms.accounts import schema  # noqa: F401 - registers the OpenAPI description of tokens
        from fms.accounts.roles import ensure_roles_after_migrate

        # Permissions are created by post_migrate, app by app, in INSTALLED_APPS order: once the
        # last app has run, every permission the roles need exists.
        post_migrate.connect(ensure_roles_after_migrate, sender=list(apps.get_app_configs())[-1])
