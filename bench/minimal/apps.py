from django.apps import AppConfig


class MinimalConfig(AppConfig):
    name = "bench.minimal"
    label = "minimal"
