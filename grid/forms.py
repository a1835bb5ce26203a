"""Form fields for choosing grid cells, shared by the filters, the reports and the admin."""

from django import forms
from django.forms.models import ModelChoiceIterator

from grid.models import in_tree_order


class _TreeOrder(ModelChoiceIterator):
    """The choices in the grid's order (``in_tree_order``): a path sorted as text would put
    cell 10 before cell 4."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in in_tree_order(self.queryset):
            yield self.choice(obj)


class CellChoiceField(forms.ModelChoiceField):
    """Cells in the grid's order, indented by level so the tree reads in a plain <select>:
    the county flush left, each level one space deeper."""

    iterator = _TreeOrder

    def label_from_instance(self, obj):
        return "\u3000" * (obj.level - 1) + obj.name
