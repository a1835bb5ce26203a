"""The grid admin (cells), the user admin (role groups and grid assignments), and who may
enter the admin at all (``administrators_only``)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grid import roles, services
from grid.forms import CellChoiceField
from grid.models import Assignment, GridCell


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


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 1
    verbose_name = _("负责网格")
    verbose_name_plural = _("负责网格（看得到该网格及其下级的全部企业和隐患）")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cell":
            return CellChoiceField(
                queryset=GridCell.objects.filter(is_active=True).order_by("path"),
                label=_("网格"),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UserAdmin(BaseUserAdmin):
    inlines = [AssignmentInline]
    list_display = ["username", "first_name", "role_groups", "cells", "is_active", "is_staff"]
    list_filter = ["groups", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["first_name", "last_name", "email"]}),
        (
            _("角色与权限"),
            {
                "fields": ["is_active", "is_staff", "groups"],
                "description": _(
                    "角色：网格员、乡镇监管、县级、管理员。管理员需同时勾选“职员状态”才能进入系统管理。"
                ),
            },
        ),
        (_("重要日期"), {"fields": ["last_login", "date_joined"]}),
    ]
    superuser_fieldsets = [
        *fieldsets[:2],
        (
            _("角色与权限"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        fieldsets[3],
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        return self.superuser_fieldsets if request.user.is_superuser else self.fieldsets

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "grid_assignments__cell")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=roles.GROUP_NAMES.values())
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("角色"))
    def role_groups(self, obj):
        return "、".join(g.name for g in obj.groups.all()) or "—"

    @admin.display(description=_("负责网格"))
    def cells(self, obj):
        return "、".join(a.cell.name for a in obj.grid_assignments.all()) or "—"

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return [*self.readonly_fields, "is_superuser", "user_permissions"]

    def has_change_permission(self, request, obj=None):
        """A superuser is changed (flags, groups, password) only by a superuser: the
        管理员 role holds ``auth.change_user``, which would otherwise reach them too. The
        password view asks this same question for its user."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # others deactivate users instead


admin.site.unregister(User)
admin.site.register(User, UserAdmin)


def administrators_only(request):
    """The admin is for administrators (the 管理员 role, or a superuser) and nobody else.

    Its pages are not scoped by the grid: a township supervisor given the staff flag would
    read every township's hazards there, while the app answers 404. This replaces
    ``AdminSite.has_permission`` on the project's one admin site; a staff user of another
    role is sent to the admin's login page, as a user without the staff flag is.
    """
    user = request.user
    return user.is_active and user.is_staff and roles.role_of(user) == roles.ADMIN


admin.site.has_permission = administrators_only
