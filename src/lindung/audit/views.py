from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from lindung.accounts.scoping import get_scoped_or_404

from .models import AccessLog
from .services import history_entries


@login_required
def record_history(request, app_label: str, model_name: str, pk: int):
    if not request.user.is_admin:
        raise Http404
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if not hasattr(model, "history") or not hasattr(model, "scope_field"):
        raise Http404
    obj = get_scoped_or_404(model.objects.all(), request.user, pk=pk)
    return render(
        request,
        "audit/history.html",
        {"object": obj, "entries": history_entries(obj), "model_name": model._meta.verbose_name},
    )


@login_required
def access_log(request):
    if not request.user.is_admin:
        raise Http404
    from django.core.paginator import Paginator

    page = Paginator(AccessLog.objects.select_related("user"), 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"page": page})
