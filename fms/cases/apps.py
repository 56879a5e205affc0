from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "fms.cases"
    label = "cases"
    verbose_name = "FMS cases"

    def ready(self):
        from fms.cases.ledger_content import approved_line_digests  # models are loaded by now
        from fms.ledger.verification import register_content_digests

        # verify_ledger checks that every approved line still has the content its approval recorded.
        register_content_digests(approved_line_digests)
