from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "clientbase.privacy"
    label = "privacy"
