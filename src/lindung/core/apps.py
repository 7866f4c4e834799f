from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lindung.core"
    verbose_name = "Inti"

    def ready(self) -> None:
        from . import figures

        figures.connect()
