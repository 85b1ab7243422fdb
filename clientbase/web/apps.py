from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "clientbase.web"
    label = "web"
