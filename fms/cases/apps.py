from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "fms.cases"
    label = "cases"
    verbose_name = "FMS cases"
