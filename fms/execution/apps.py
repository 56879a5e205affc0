from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    """Deposits, deliveries, SDRs, financial transactions, statements and closure (DESIGN §4.5)."""

    name = "fms.execution"
    label = "execution"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from fms.cases import inbox
        from fms.execution import inbox as execution_inbox

        inbox.register_section(execution_inbox.open_sdrs)
        inbox.register_section(execution_inbox.ready_for_closure)
