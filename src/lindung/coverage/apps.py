from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "lindung.coverage"
    verbose_name = _("Cakupan UCJ")

    def ready(self) -> None:
        from lindung.core import home, jobqueue, retention
        from lindung.core.navigation import NavItem, register

        from . import signals
        from .home import coverage_cards, coverage_charts
        from .retention import purge_files

        signals.connect()
        jobqueue.register("reports", "lindung.coverage.reportjobs")
        retention.register("reports", "berkas laporan", purge_files)
        register(NavItem(_("Cakupan UCJ"), "coverage:index", group="cakupan", order=0))
        register(NavItem(_("Peringkat desa"), "coverage:league_index", group="cakupan", order=10))
        register(NavItem(_("Laporan saya"), "coverage:report_jobs", group="cakupan", order=20))
        register(NavItem(_("Laporan BPJS"), "coverage:bpjs_reports", group="cakupan", order=30))
        register(NavItem(_("Target cakupan"), "coverage:targets", group="cakupan", order=50))
        register(
            NavItem(
                _("Pengaturan"), "coverage:settings", admin_only=True, group="administrasi", order=5
            )
        )
        if coverage_cards not in home.PROVIDERS:
            home.register(coverage_cards)
        if coverage_charts not in home.CHART_PROVIDERS:
            home.register_chart(coverage_charts)

        from lindung.core.demo import registry

        from .demo import demo_coverage

        registry.register("coverage", demo_coverage, order=99)  # last: counts everyone
