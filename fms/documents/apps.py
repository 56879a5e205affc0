from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "fms.documents"
    label = "documents"
    verbose_name = "LOA documents"

    def ready(self):
        from fms.cases.inbox import register_section
        from fms.documents.inbox import offered_awaiting_acceptance
        from fms.documents.verification import frozen_document_breaks
        from fms.ledger.verification import register_record_check

        register_section(offered_awaiting_acceptance)
        # verify_ledger recomputes every frozen document and holds it to the hash its offer recorded.
        register_record_check(frozen_document_breaks)
