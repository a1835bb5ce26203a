"""Administrators edit checklist templates here; inspections and enforcement are read-only.

Django's admin has no nested inlines: a template shows its categories inline (each with a
link to its page), and a category's page shows its items inline. Editing an item never
changes a past inspection: inspections keep a snapshot of the items they used. Nothing here
is deleted (a category's items went with it): templates and items are deactivated (启用),
since hazards link to the item they were found under and recurrence reads that link.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from inspections.models import (
    ChecklistCategory,
    ChecklistItem,
    ChecklistTemplate,
    EnforcementAction,
    Inspection,
    InspectionGroup,
    InspectionItem,
    Outing,
)


class NoDeleteAdmin(admin.ModelAdmin):
    """Checklists are deactivated, never deleted (a deleted item unlinks its hazards)."""

    def has_delete_permission(self, request, obj=None):
        return False


class CategoryInline(admin.TabularInline):
    model = ChecklistCategory
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["number", "name", "item_count"]
    readonly_fields = ["item_count"]

    @admin.display(description=_("检查项数"))
    def item_count(self, obj):
        return obj.items.count() if obj.pk else 0


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    can_delete = False
    fields = ["number", "text", "basis", "default_level", "is_active"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(NoDeleteAdmin):
    list_display = ["name", "industry", "is_active", "category_count", "item_count"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    inlines = [CategoryInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_categories=Count("categories", distinct=True),
                n_items=Count("categories__items", distinct=True),
            )
        )

    @admin.display(description=_("类别数"), ordering="n_categories")
    def category_count(self, obj):
        return obj.n_categories

    @admin.display(description=_("检查项数"), ordering="n_items")
    def item_count(self, obj):
        return obj.n_items


@admin.register(ChecklistCategory)
class ChecklistCategoryAdmin(NoDeleteAdmin):
    list_display = ["__str__", "template"]
    list_filter = ["template"]
    list_select_related = ["template"]
    inlines = [ItemInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(NoDeleteAdmin):
    list_display = ["__str__", "category", "default_level", "is_active"]
    list_filter = ["category__template", "default_level", "is_active"]
    list_select_related = ["category"]
    search_fields = ["text", "basis"]


class InspectionItemInline(admin.TabularInline):
    model = InspectionItem
    fields = ["position", "category_name", "number", "text", "result", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "date", "kind", "status", "inspector_count", "township"]
    list_filter = ["kind", "status", "is_enforcement", "township"]
    list_select_related = ["enterprise", "township"]
    search_fields = ["enterprise__name"]
    date_hierarchy = "date"
    inlines = [InspectionItemInline]


@admin.register(EnforcementAction)
class EnforcementActionAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "date", "kind", "document_number", "fine_yuan", "township"]
    list_filter = ["kind", "township"]
    list_select_related = ["enterprise", "township"]
    search_fields = ["enterprise__name", "document_number"]
    date_hierarchy = "date"


@admin.register(InspectionGroup)
class InspectionGroupAdmin(admin.ModelAdmin):
    """检查组: formed by administrators here; outings come from the field and the imports."""

    list_display = ["name", "unit", "kind", "leader", "campaign", "starts_on", "ends_on"]
    list_filter = ["kind", "unit"]
    list_select_related = ["unit", "leader"]
    search_fields = ["name", "campaign", "guest_names"]
    autocomplete_fields = ["leader", "members"]


@admin.register(Outing)
class OutingAdmin(ReadOnlyAdmin):
    list_display = ["group", "date", "person_count"]
    list_select_related = ["group"]
    search_fields = ["group__name"]
    date_hierarchy = "date"
