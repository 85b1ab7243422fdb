from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clientbase.accounts"
    label = "accounts"
