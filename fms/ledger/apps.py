from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "fms.ledger"
    label = "ledger"
    verbose_name = "FMS ledger"
