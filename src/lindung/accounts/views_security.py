"""Account security pages: change password, two-step verification (enrol, verify, recovery)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from . import twofactor


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view keeps this session (update_session_auth_hash); every other session of the
    user ends at its next request because the password hash it was signed with changed."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            "Kata sandi diganti. Sesi Anda di perangkat lain telah diakhiri.",
        )
        return response


def _eligible_or_403(request):
    if not twofactor.eligible(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Status page: enrolled or not, recovery codes left, make new codes, turn off."""
    _eligible_or_403(request)
    enrolled = twofactor.enrolled(request.user)
    if request.method == "POST" and enrolled:
        if "new_codes" in request.POST:
            codes = twofactor.new_recovery_codes(request.user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        if "disable" in request.POST:
            if twofactor.verify(request.user, request.POST.get("code", "")) is None:
                messages.error(request, "Kode salah. Verifikasi dua langkah tetap aktif.")
            else:
                twofactor.disable(request.user)
                messages.success(request, "Verifikasi dua langkah dimatikan.")
            return redirect("accounts:two_factor")
    return render(
        request,
        "accounts/two_factor.html",
        {"enrolled": enrolled, "codes_left": twofactor.recovery_codes_left(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    _eligible_or_403(request)
    if twofactor.enrolled(request.user):
        return redirect("accounts:two_factor")
    device = twofactor.pending_device(request.user)
    error = None
    if request.method == "POST":
        codes = twofactor.confirm(device, request.POST.get("code", ""))
        if codes is not None:
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "new": True})
        error = "Kode tidak cocok. Periksa jam ponsel lalu masukkan kode yang sedang tampil."
    uri = device.config_url
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "qr_svg": twofactor.qr_svg(uri),
            "secret": twofactor.secret_text(device),
            "uri": uri,
            "error": error,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step after the password, for users with an authenticator app."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = ""
    if request.user.is_verified() or not twofactor.enrolled(request.user):
        return redirect(target or "home")
    error = None
    if request.method == "POST" and twofactor.backing_off(request.user):
        error = "Terlalu banyak kode salah. Tunggu beberapa detik, lalu coba lagi."
    elif request.method == "POST":
        device = twofactor.verify(request.user, request.POST.get("code", ""))
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = twofactor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"Anda masuk dengan kode pemulihan; sisa {left} kode. "
                    "Buat kode baru di halaman Verifikasi dua langkah bila hampir habis.",
                )
            return redirect(target or "home")
        error = "Kode salah atau sudah dipakai. Coba lagi dengan kode yang sedang tampil."
    return render(request, "accounts/two_factor_verify.html", {"next": target, "error": error})
