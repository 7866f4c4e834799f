"""The login page, with a per-address limit on attempts against password spraying.

django-axes locks a username after repeated failures from one address; this adds a count per
address across all usernames. Each attempt takes a slot before the password is checked (so
parallel attempts cannot overshoot the limit) and a successful login gives its slot back.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from lindung.core import ratelimit


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        limit, window = ratelimit.parse_rate(settings.LINDUNG_LOGIN_IP_RATE)
        key = f"login-ip:{ratelimit.client_ip(request) or 'unknown'}"
        if not ratelimit.hit(key, limit, window):
            return render(request, "accounts/locked_out.html", status=429)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            ratelimit.release(key)
        return response


def admin_login(request, extra_context=None):
    """Replaces the admin site's own login form, which would bypass the limit above."""
    if request.user.is_authenticated:
        raise PermissionDenied  # signed in, but not admin-site staff
    return redirect_to_login(request.GET.get("next") or "/admin/")
