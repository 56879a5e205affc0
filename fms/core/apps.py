from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fms.core"
    label = "core"
    verbose_name = "Core"
