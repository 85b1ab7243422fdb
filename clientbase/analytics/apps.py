from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "clientbase.analytics"
    label = "analytics"
