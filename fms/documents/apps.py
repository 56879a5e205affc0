from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "fms.documents"
    label = "documents"
    verbose_name = "LOA documents"
