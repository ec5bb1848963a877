from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "isogov.api"
    label = "api"
    verbose_name = "REST API"
