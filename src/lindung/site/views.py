"""The home page and the worklists page: figures and sections registered by each domain app
(core.home, core.worklists), scoped to the user's area."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from lindung.areas.models import Area
from lindung.areas.services import breadcrumbs_for, home_area_for
from lindung.core.filters import read_filters
from lindung.core.home import home_cards, home_charts
from lindung.core.worklists import sections_for

from .filters import WorklistFilterForm


@login_required
def home(request):
    area = home_area_for(request.user)
    return render(
        request,
        "site/home.html",
        {
            "area": area,
            "cards": home_cards(request.user, area),
            "charts": home_charts(request.user, area),
            "breadcrumbs": breadcrumbs_for(area, request.user),
        },
    )


@login_required
def worklists(request):
    area = home_area_for(request.user)
    # An area outside the user's is dropped by the form (a warning), never shown.
    chosen = read_filters(request, WorklistFilterForm, user=request.user).values["wilayah"]
    if chosen:
        area = Area.objects.filter(code=chosen).first() or area
    sections = sections_for(request.user, area) if area else []
    return render(
        request,
        "site/worklists.html",
        {
            "area": area,
            "sections": sections,
            "breadcrumbs": breadcrumbs_for(area, request.user),
        },
    )
