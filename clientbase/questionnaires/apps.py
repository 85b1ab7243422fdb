from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "clientbase.questionnaires"
    label = "questionnaires"
