"""The client address the login lockout counts."""

from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the X-Forwarded-For entry the
    nearest trusted proxy saw. Entries further left are the client's own claims and are
    never trusted (nginx's $proxy_add_x_forwarded_for appends, it does not replace)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        entries = [e for e in entries if e]
        if len(entries) >= count:
            return entries[-count]
    return request.META.get("REMOTE_ADDR")
