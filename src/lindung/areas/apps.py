from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "lindung.areas"
    verbose_name = "Wilayah"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django.utils.translation import gettext_lazy as _

        from lindung.core.navigation import NavItem, register

        from .choices import areas_changed
        from .models import Area

        post_save.connect(areas_changed, sender=Area, dispatch_uid="areas-choices-save")
        post_delete.connect(areas_changed, sender=Area, dispatch_uid="areas-choices-delete")
        register(NavItem(_("Penyebut UCJ"), "areas:denominators", group="cakupan", order=40))
