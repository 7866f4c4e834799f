"""Holds signed-in users at the second step until it is done.

A user with a confirmed authenticator app must enter a code (or a recovery code) after the
password before any page opens. Eligible roles that have not enrolled see a prompt, or, with
LINDUNG_REQUIRE_2FA, are sent to enrolment first. Runs after django-otp's OTPMiddleware.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import twofactor

# Pages that stay open in the middle of the second step.
OPEN_PREFIXES = ("/static/", "/media/", "/i18n/", "/keluar/", "/masuk/")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.two_factor_prompt = False
        user = request.user
        request.two_factor_eligible = twofactor.eligible(user)
        if not request.two_factor_eligible or user.is_verified():
            return self.get_response(request)
        path = request.path
        if twofactor.enrolled(user):
            if path.startswith(OPEN_PREFIXES) or path == reverse("accounts:two_factor_verify"):
                return self.get_response(request)
            if path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Selesaikan verifikasi dua langkah di peramban terlebih dahulu."},
                    status=401,
                )
            verify = reverse("accounts:two_factor_verify")
            return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
        setup = reverse("accounts:two_factor_setup")
        if settings.LINDUNG_REQUIRE_2FA and not (path.startswith(OPEN_PREFIXES) or path == setup):
            if path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Aktifkan verifikasi dua langkah di peramban terlebih dahulu."},
                    status=401,
                )
            return redirect(setup)
        request.two_factor_prompt = path != setup
        return self.get_response(request)
