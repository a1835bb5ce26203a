"""Form fields for choosing grid cells, shared by the filters, the reports and the admin."""

from django import forms


class CellChoiceField(forms.ModelChoiceField):
    """Cells in tree order (order the queryset by ``path``), indented by level so the
    tree reads in a plain <select>: the county flush left, each level one space deeper."""

    def label_from_instance(self, obj):
        return "\u3000" * (obj.level - 1) + obj.name
