from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "clientbase.api"
    label = "api"
