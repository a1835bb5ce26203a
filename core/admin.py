"""The user admin: role groups and grid assignments on one page."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _

from core.models import NumberSequence
from enterprises.filters import CellChoiceField
from grid import roles
from grid.models import Assignment, GridCell


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

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # others deactivate users instead


admin.site.unregister(User)
admin.site.register(User, UserAdmin)


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["key", "last"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
