from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "fms.documents"
    label = "documents"
    verbose_name = "LOA documents"

    def ready(self):
        from fms.cases.inbox import register_section
        from fms.documents.inbox import offered_awaiting_acceptance

        register_section(offered_awaiting_acceptance)
