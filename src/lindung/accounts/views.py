from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .tokens import issue_token, revoke_token


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                token_id = int(request.POST["revoke"])
            except ValueError:
                token_id = 0
            if revoke_token(request.user, token_id):
                messages.success(request, "Token dicabut.")
            else:
                messages.error(request, "Token tidak ditemukan.")
            return redirect("accounts:api_tokens")
        name = request.POST.get("name", "").strip()
        if not name:
            messages.error(request, "Beri nama token, misalnya nama aplikasi yang memakainya.")
        else:
            _, new_token = issue_token(request.user, name)
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True)
    return render(request, "accounts/api_tokens.html", {"tokens": tokens, "new_token": new_token})
