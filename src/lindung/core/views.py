from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from lindung.areas.services import breadcrumbs_for, home_area_for

from .home import home_cards, home_charts


@login_required
def home(request):
    area = home_area_for(request.user)
    return render(
        request,
        "core/home.html",
        {
            "area": area,
            "cards": home_cards(request.user, area),
            "charts": home_charts(request.user, area),
            "breadcrumbs": breadcrumbs_for(area, request.user),
        },
    )


@login_required
def worklists(request):
    from django.http import Http404

    from lindung.accounts.scoping import user_covers_area
    from lindung.areas.models import Area

    from .worklists import sections_for

    area = home_area_for(request.user)
    chosen = request.GET.get("wilayah")
    if chosen:
        if not user_covers_area(request.user, chosen):
            raise Http404("Wilayah tidak ditemukan.")
        area = Area.objects.filter(code=chosen).first() or area
    sections = sections_for(request.user, area) if area else []
    return render(
        request,
        "core/worklists.html",
        {
            "area": area,
            "sections": sections,
            "breadcrumbs": breadcrumbs_for(area, request.user),
        },
    )
