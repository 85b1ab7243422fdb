from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "clientbase.imports"
    label = "imports"
