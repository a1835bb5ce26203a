"""How every form on the site looks: Bootstrap classes through Django's form renderer.

``settings.FORM_RENDERER`` is ``BootstrapRenderer``. Its bound field gives each widget
the Bootstrap class for its kind when it is rendered, so forms declare fields and nothing
about looks:

- a checkbox, and every option of a radio or checkbox list: ``form-check-input``;
- a select (single or multiple): ``form-select``;
- every other visible input, text area and file input: ``form-control``.

A form whose ``control_size`` is ``"sm"`` (``CompactForm``, the base of list filters)
gets ``form-select-sm`` / ``form-control-sm``. A widget that names its own ``class``
keeps it, and the admin's widget classes (django.contrib.admin) are left alone; a plain
select in an admin form gets the class too, which the admin's stylesheet ignores.
``field.as_field_group`` renders ``includes/field.html``, the one field layout of the
form pages.
"""

import uuid

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


def widget_class(widget, size=""):
    """The Bootstrap class for ``widget``, or "" for one that takes none."""
    if widget.is_hidden:
        return ""
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
        return "form-check-input"  # a radio and a checkbox list style each option
    if isinstance(widget, forms.Select):
        return f"form-select form-select-{size}" if size else "form-select"
    if isinstance(widget, forms.MultiWidget):
        return ""
    return f"form-control form-control-{size}" if size else "form-control"


class BootstrapBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if "class" in attrs or "class" in widget.attrs:
            return attrs
        if type(widget).__module__.startswith("django.contrib.admin"):
            return attrs
        css = widget_class(widget, getattr(self.form, "control_size", ""))
        if css:
            attrs["class"] = css
        return attrs


class BootstrapRenderer(TemplatesSetting):
    """The site's form renderer (``settings.FORM_RENDERER``)."""

    bound_field_class = BootstrapBoundField
    field_template_name = "includes/field.html"


class CompactForm(forms.Form):
    """Small controls, for the filter cards above the lists (``Meta.form`` of a FilterSet)."""

    control_size = "sm"


def one_time_key():
    """The hidden one-time key of a form that creates an official record: made when the
    form is drawn, so Back + submit sends the same key and gets the record already made
    (core.keys.once)."""
    return forms.UUIDField(required=False, initial=uuid.uuid4, widget=forms.HiddenInput)
