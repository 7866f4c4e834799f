from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lindung.accounts.scoping import scoped, user_covers_area
from lindung.core.spreadsheet import SpreadsheetError

from .denominators import import_denominators
from .models import Area, WorkforceDenominator
from .services import breadcrumbs_for


@login_required
def area_detail(request, code: str):
    if not user_covers_area(request.user, code):
        raise Http404("Wilayah tidak ditemukan.")
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise Http404("Wilayah tidak ditemukan.")
    children = list(area.children.order_by("code"))
    denominators = WorkforceDenominator.objects.filter(area=area).order_by("-year")[:5]
    return render(
        request,
        "areas/detail.html",
        {
            "area": area,
            "children": children,
            "denominators": denominators,
            "breadcrumbs": breadcrumbs_for(area, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def denominators(request):
    qs = scoped(WorkforceDenominator.objects.select_related("area"), request.user)
    if request.method == "POST":
        if not request.user.is_admin:
            raise PermissionDenied
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Pilih berkas CSV atau XLSX terlebih dahulu.")
        elif upload.size > 5 * 1024 * 1024:
            messages.error(request, "Berkas terlalu besar (maksimal 5 MB).")
        else:
            try:
                result = import_denominators(
                    upload.name, upload.read(), scope_code=request.user.scope_code or ""
                )
            except SpreadsheetError as exc:
                messages.error(request, str(exc))
            else:
                if result.errors:
                    for err in result.errors[:20]:
                        messages.error(request, err)
                    messages.error(
                        request, "Tidak ada data yang disimpan. Perbaiki lalu unggah ulang."
                    )
                else:
                    messages.success(request, f"{result.saved} penyebut tersimpan.")
        return redirect("areas:denominators")
    return render(
        request,
        "areas/denominators.html",
        {"rows": qs.order_by("area_id", "-year")[:500], "can_import": request.user.is_admin},
    )
