from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "lindung.areas"
    verbose_name = "Wilayah"
