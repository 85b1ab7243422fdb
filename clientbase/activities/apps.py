from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "clientbase.activities"
    label = "activities"
