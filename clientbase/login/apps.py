from django.apps import AppConfig


class LoginConfig(AppConfig):
    name = "clientbase.login"
    label = "login"
