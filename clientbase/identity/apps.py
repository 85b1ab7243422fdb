from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "clientbase.identity"
    label = "identity"
