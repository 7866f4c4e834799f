"""API abuse limits, counted exactly across threads and processes (lindung.core.ratelimit).

Signed-in callers are limited per user (every token and the browser session of one person
share a count); callers without valid credentials are limited per address *before* they are
refused, so guessing tokens is slowed down too.
"""

from django.conf import settings
from ninja.errors import Throttled
from ninja.throttling import BaseThrottle

from lindung.core import ratelimit


class UserRateLimit(BaseThrottle):
    """Runs after authentication: one count per signed-in user."""

    def allow_request(self, request) -> bool:
        user = getattr(request, "auth", None)
        if user is None:
            return True
        limit, window = ratelimit.parse_rate(settings.LINDUNG_API_USER_RATE)
        return ratelimit.hit(f"api-user:{user.pk}", limit, window)

    def wait(self) -> float:
        # An upper bound: the window may already be partly over.
        return float(ratelimit.parse_rate(settings.LINDUNG_API_USER_RATE)[1])


class AnonymousRateLimit:
    """The last authentication callback: reached only when no credentials were valid."""

    def __call__(self, request):
        limit, window = ratelimit.parse_rate(settings.LINDUNG_API_ANON_RATE)
        if not ratelimit.hit(
            f"api-anon:{ratelimit.client_ip(request) or 'unknown'}", limit, window
        ):
            raise Throttled(wait=window)
        return None
