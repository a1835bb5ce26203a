from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from enterprises import services
from enterprises.forms import USCC_TAKEN, VillageChoiceField
from enterprises.models import Enterprise
from enterprises.validators import normalize_uscc


class EnterpriseAdminForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "uscc",
            "industry",
            "scale",
            "risk",
            "status",
            "cell",
            "address",
            "legal_representative",
            "safety_officer",
            "phone",
            "inspectors",
        ]
        error_messages = {"uscc": {"unique": USCC_TAKEN}}

    def clean_uscc(self):
        return normalize_uscc(self.cleaned_data.get("uscc"))


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    form = EnterpriseAdminForm
    list_display = ["name", "uscc", "industry", "township", "cell", "risk", "scale", "status"]
    list_filter = ["industry", "risk", "scale", "status", "township"]
    search_fields = ["name", "uscc"]
    list_select_related = ["township", "cell"]
    filter_horizontal = ["inspectors"]
    readonly_fields = ["township", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "uscc", "industry", "scale", "risk", "status"]}),
        (_("所属网格"), {"fields": ["cell", "township"]}),
        (
            _("联系信息"),
            {"fields": ["address", "legal_representative", "safety_officer", "phone"]},
        ),
        (_("包保责任人"), {"fields": ["inspectors"]}),
        (_("记录"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        from grid import scoping

        return scoping.limit(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cell":
            return VillageChoiceField(
                queryset=services.village_choices(request.user), label=_("所属网格")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "inspectors":
            kwargs["queryset"] = services.inspector_choices(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        services.save_enterprise(obj, by=request.user, inspectors=form.cleaned_data["inspectors"])

    def save_related(self, request, form, formsets, change):
        # The 包保 list was saved by the service; only inline formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        return False  # records carry legal weight: set the status to 关闭注销 instead
