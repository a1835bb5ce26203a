"""Admin pieces every app may use, and the admin of core's own models."""

from django.contrib import admin

from core.models import NumberSequence


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records with legal weight or an audit trail: shown, never added, edited or deleted
    from the admin (they change only through their services)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ["key", "last"]
