"""Every form gets its Bootstrap look from the site's form renderer, not from the form."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget

from core.forms import CompactForm


class Everything(forms.Form):
    name = forms.CharField()
    note = forms.CharField(widget=forms.Textarea)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField()
    level = forms.ChoiceField(choices=[("a", "一般"), ("b", "重大")])
    many = forms.MultipleChoiceField(choices=[("a", "甲"), ("b", "乙")])
    agree = forms.BooleanField(required=False)
    pick = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙")], widget=forms.RadioSelect)
    ticks = forms.MultipleChoiceField(
        choices=[("a", "甲"), ("b", "乙")], widget=forms.CheckboxSelectMultiple
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    own = forms.CharField(widget=forms.TextInput(attrs={"class": "font-monospace"}))
    admin_date = forms.DateField(widget=AdminDateWidget)


class Filters(CompactForm):
    q = forms.CharField()
    level = forms.ChoiceField(choices=[("a", "一般")])


def test_each_kind_of_widget_gets_its_bootstrap_class():
    form = Everything()
    for name in ["name", "note", "when", "file"]:
        assert 'class="form-control"' in str(form[name]), name
    for name in ["level", "many"]:
        assert 'class="form-select"' in str(form[name]), name
    assert 'class="form-check-input"' in str(form["agree"])
    for name in ["pick", "ticks"]:
        options = [str(choice.tag()) for choice in form[name]]
        assert all('class="form-check-input"' in tag for tag in options), name


def test_hidden_inputs_own_classes_and_admin_widgets_are_left_alone():
    form = Everything()
    assert "class=" not in str(form["seen"])
    assert 'class="font-monospace"' in str(form["own"])
    assert "form-control" not in str(form["admin_date"])


def test_a_compact_form_has_small_controls():
    form = Filters()
    assert 'class="form-control form-control-sm"' in str(form["q"])
    assert 'class="form-select form-select-sm"' in str(form["level"])


def test_a_field_group_is_the_site_field_layout_with_label_error_and_help():
    form = Everything(data={})
    html = form["name"].as_field_group()
    assert '<label class="form-label" for="id_name">Name' in html
    assert 'class="invalid-feedback d-block"' in html
