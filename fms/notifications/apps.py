from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "fms.notifications"
    label = "notifications"
    verbose_name = "36(b) congressional notifications"
