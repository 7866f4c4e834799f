"""Content-Security-Policy on every response: pages, API, errors and static files.

Lindung serves all its own scripts, styles, fonts and images (Chart.js and Swagger UI are
vendored), so the policy allows this origin only. No inline script or style is allowed either:
behaviour lives in static JS bound through data- attributes (core/static/lindung/app.js) and
looks in CSS classes, so an injected `<script>` or `onclick` in some field would not run.
Django 5.2 has no CSP support of its own (it comes with Django 6.0).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # data: for the small SVG icons Swagger UI's stylesheet embeds.
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HEADER = "; ".join(f"{name} {value}" for name, value in POLICY.items())


class ContentSecurityPolicyMiddleware:
    """Placed before WhiteNoise so that static files carry the header too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", HEADER)
        return response
