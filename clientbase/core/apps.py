from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clientbase.core"
    label = "core"
