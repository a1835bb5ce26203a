from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from criteria.loader import industry_lookup
from criteria.models import INDUSTRY_SEPARATOR, Criterion, Standard


def clean_industries(text):
    """Industry names or codes, separated by spaces or 、，; → the stored codes, or a Chinese
    error naming the unknown one (the loader accepts the same words)."""
    lookup, values = industry_lookup(), []
    for word in text.replace("、", " ").replace("，", " ").replace(",", " ").split():
        value = lookup.get(word)
        if value is None:
            raise forms.ValidationError(_("未知行业“%(w)s”。") % {"w": word})
        if value not in values:
            values.append(value)
    return INDUSTRY_SEPARATOR.join(values)


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"  # Django 6's default, chosen now
    return field.formfield(**kwargs)


class StandardForm(forms.ModelForm):
    class Meta:
        formfield_callback = _formfield
        model = Standard
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

    def clean_industries(self):
        return clean_industries(self.cleaned_data.get("industries", ""))


class CriterionForm(forms.ModelForm):
    class Meta:
        formfield_callback = _formfield
        model = Criterion
        fields = [
            "standard",
            "article",
            "item",
            "text",
            "industries",
            "keywords",
            "source",
            "source_url",
            "checked_on",
            "position",
            "replaced_by",
        ]

    def clean_industries(self):
        return clean_industries(self.cleaned_data.get("industries", ""))


class CriterionInline(admin.TabularInline):
    model = Criterion
    form = CriterionForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["position", "article", "item", "text", "keywords", "source", "checked_on"]
    extra = 0
    show_change_link = True


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    form = StandardForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
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
    fields = StandardForm.Meta.fields
    inlines = [CriterionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_total=Count("items"))

    @admin.display(description=gettext_lazy("条目数"), ordering="item_total")
    def item_count(self, obj):
        return obj.item_total

    def has_delete_permission(self, request, obj=None):
        return False  # hazards cite these: repeal a standard instead of deleting it


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    form = CriterionForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["standard", "article", "item", "short_text", "checked_on"]
    list_filter = ["standard"]
    search_fields = ["text", "keywords", "article", "item"]
    list_select_related = ["standard"]
    autocomplete_fields = ["replaced_by"]

    @admin.display(description=gettext_lazy("条文"))
    def short_text(self, obj):
        return obj.text[:40]

    def has_delete_permission(self, request, obj=None):
        return False
