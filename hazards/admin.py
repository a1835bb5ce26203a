"""Hazards in the admin: read-only. States change only through hazards.workflow."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from hazards.models import Hazard, HazardEvent, HazardPhoto, SupervisionOrder


class HazardEventInline(admin.TabularInline):
    model = HazardEvent
    fields = ("at", "action", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ("number", "enterprise", "township", "level", "status", "found_on", "deadline")
    list_filter = ("status", "level", "township")
    search_fields = ("number", "description", "enterprise__name")
    date_hierarchy = "found_on"
    list_select_related = ("enterprise", "township")
    inlines = [HazardEventInline]


@admin.register(HazardEvent)
class HazardEventAdmin(ReadOnlyAdmin):
    list_display = ("hazard", "action", "actor", "at", "from_status", "to_status")
    list_filter = ("action",)
    search_fields = ("hazard__number",)
    list_select_related = ("hazard", "actor")


@admin.register(HazardPhoto)
class HazardPhotoAdmin(ReadOnlyAdmin):
    list_display = ("hazard", "kind", "uploaded_by", "uploaded_at")
    # The files are served only through the scoped photo view, never by MEDIA_URL.
    exclude = ("image", "thumbnail")
    list_select_related = ("hazard", "uploaded_by")


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "level", "hazard", "authority", "issued_on", "deadline")
    list_filter = ("kind", "level")
    search_fields = ("number", "hazard__number", "document_number")
    list_select_related = ("hazard",)
