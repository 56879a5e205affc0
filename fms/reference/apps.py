from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "fms.reference"
    label = "reference"
    verbose_name = "Reference data"
