from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "clientbase.exports"
    label = "exports"
