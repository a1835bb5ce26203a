"""The unread count in the navigation: one indexed COUNT, and only when a page shows it."""

from django.utils.functional import SimpleLazyObject


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from notifications.services import unread_count

        return unread_count(user)

    return {"unread_notifications": SimpleLazyObject(count)}
