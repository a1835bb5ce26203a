from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enterprises.filters import CellChoiceField
from grid import services
from grid.models import GridCell


class GridCellForm(forms.ModelForm):
    class Meta:
        model = GridCell
        fields = ["name", "code", "level", "parent", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            level, parent = cleaned.get("level"), cleaned.get("parent")
            if level == GridCell.Level.COUNTY and parent is not None:
                self.add_error("parent", _("县/区级网格不能有上级网格。"))
            elif level and level != GridCell.Level.COUNTY:
                if parent is None:
                    self.add_error("parent", _("请选择上级网格。"))
                elif parent.level >= level:
                    self.add_error("parent", _("上级网格的层级必须高于本网格。"))
        return cleaned


@admin.register(GridCell)
class GridCellAdmin(admin.ModelAdmin):
    """Cells are created through grid.services (path and township are derived) and never
    moved: parent and level are read-only once a cell exists."""

    form = GridCellForm
    list_display = ["indented_name", "level", "code", "township", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["path"]
    list_select_related = ["township"]
    list_per_page = 100

    @admin.display(description=_("名称"), ordering="path")
    def indented_name(self, obj):
        return "　" * (obj.level - 1) + obj.name

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            return CellChoiceField(
                queryset=GridCell.objects.filter(level__lt=GridCell.Level.VILLAGE).order_by("path"),
                required=False,
                label=_("上级网格"),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["level", "parent", "township"]
        return []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "code", "level", "parent", "is_active"]
        return ["name", "code", "level", "parent", "township", "is_active"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name", "code", "is_active"])
            return
        try:
            cell = services.create_cell(
                name=obj.name, level=obj.level, parent=obj.parent, code=obj.code
            )
        except ValidationError as exc:  # the form checks the same rules first
            raise ValidationError(exc.messages) from exc
        if not obj.is_active:
            GridCell.objects.filter(pk=cell.pk).update(is_active=False)
        obj.pk, obj.path, obj.township_id = cell.pk, cell.path, cell.township_id

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: enterprises and hazards point at cells
