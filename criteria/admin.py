from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from criteria.models import Criterion, Standard


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["position", "article", "item", "text", "keywords", "source", "checked_on"]
    extra = 0
    show_change_link = True


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "document_number",
        "issuer",
        "in_force_from",
        "repealed_on",
        "checked_on",
        "item_count",
    ]
    search_fields = ["title", "document_number", "code"]
    list_filter = ["issuer"]
    fields = [
        "code",
        "title",
        "document_number",
        "issuer",
        "in_force_from",
        "repealed_on",
        "repealed_by",
        "industries",
        "source",
        "source_url",
        "checked_on",
        "items_note",
        "position",
    ]
    inlines = [CriterionInline]

    @admin.display(description=_("条目数"))
    def item_count(self, obj):
        return obj.items.count()

    def has_delete_permission(self, request, obj=None):
        return False  # hazards cite these: repeal a standard instead of deleting it


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["standard", "article", "item", "short_text", "checked_on"]
    list_filter = ["standard"]
    search_fields = ["text", "keywords", "article", "item"]
    list_select_related = ["standard"]

    @admin.display(description=_("条文"))
    def short_text(self, obj):
        return obj.text[:40]

    def has_delete_permission(self, request, obj=None):
        return False
