from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "clientbase.sales"
    label = "sales"
