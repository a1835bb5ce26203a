"""A ``<select>`` rendered by a plain loop (issue 17).

Django renders a select through its widget templates: one template include per
``<option>`` and another for its attributes. The ledger's filter card of a county user has
hundreds of options (every grid cell, every inspector): that was about 60 % of the page's
time. ``PlainSelect`` writes the same HTML in one loop: the same attributes (id, class,
aria-describedby, whatever the bound field and the form renderer give), the same options
in the same order, ``selected`` on the chosen one. Option groups are not supported (no
filter has any).
"""

from html import escape as _escape

from django import forms
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language


def escape(value):
    """Django's ``escape`` without its lazy-string wrapper: the same text, a tenth the cost."""
    return _escape(str(value))


def _escape_all(texts):
    """``escape`` of each text, in one call: hundreds of calls (a county user's cells and
    inspectors, their values and labels) cost more than the page's SQL. Joined by NUL,
    which forms refuse in text; a list where a text has one anyway is escaped one by one."""
    if not texts:
        return []
    joined = "\0".join(texts)
    if joined.count("\0") == len(texts) - 1:
        return escape(joined).split("\0")
    return [escape(text) for text in texts]


def flatatt(attrs):
    """The attributes as Django's ``attrs.html`` writes them: in order, ``True`` as a bare
    name, ``False`` left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


# Lazy labels (gettext_lazy) as translated, per language: each is a module constant of a
# choices list, translated on every draw otherwise (about 60 gettext calls per ledger page).
# A lazy string's text depends only on the active language; the entry keeps the label, so
# its id is not reused while the entry lives.
_TRANSLATED = {}


def _texts(labels):
    language = get_language()
    texts = []
    for label in labels:
        if isinstance(label, Promise):
            hit = _TRANSLATED.get((language, id(label)))
            if hit is None or hit[0] is not label:
                if len(_TRANSLATED) > 4096:  # labels made per request (format_lazy …)
                    _TRANSLATED.clear()
                hit = _TRANSLATED[language, id(label)] = (label, str(label))
            texts.append(hit[1])
        else:
            texts.append(str(label))
    return texts


def option_lines(choices):
    """The ``<option>`` lines of ``choices`` ((value, label) pairs), none selected, as
    ``PlainSelect`` writes them."""
    values, labels = [], []
    for option_value, label in choices:
        if isinstance(label, list | tuple):
            raise NotImplementedError("PlainSelect renders no option groups")
        values.append("" if option_value is None else str(option_value))
        labels.append(label)
    labels = _texts(labels)
    return [
        f'  <option value="{value}">{label}</option>'
        for value, label in zip(_escape_all(values), _escape_all(labels), strict=True)
    ]


class OptionBlock(str):
    """Options written once (``option_lines`` joined by newlines) and kept, e.g. in the
    cache with the values they were written from: a select of hundreds of options then
    costs one ``str.replace`` per chosen value (``PlainSelect``)."""

    __slots__ = ()

    @classmethod
    def of(cls, choices):
        return cls("\n".join(option_lines(choices)))


class PlainSelect(forms.Select):
    """``choices`` may be an iterable of (value, label) pairs, or have ``head`` (such pairs,
    e.g. the empty choice) and ``block`` (an ``OptionBlock`` of the rest)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        final = self.build_attrs(self.attrs, attrs)
        final.pop("name", None)
        if self.allow_multiple_selected:
            final["multiple"] = True
        # Each chosen value's opening tag as ``option_lines`` writes it, and with ``selected``.
        marks = [
            (f'  <option value="{v}">', f'  <option value="{v}" selected>')
            for v in _escape_all(sorted(chosen))
        ]
        block = getattr(self.choices, "block", None)
        head = self.choices.head() if block is not None else self.choices
        lines = option_lines(head)
        for i, line in enumerate(lines):
            for plain, selected in marks:
                if line.startswith(plain):
                    lines[i] = selected + line[len(plain) :]
        parts = [f'<select name="{escape(name)}"{flatatt(final)}>', *lines]
        if block is not None:
            block = block()
            for plain, selected in marks:
                block = block.replace(plain, selected)
            if block:
                parts.append(block)
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 — every value above is escaped


class PlainInputMixin:
    """An ``<input>`` written directly, as Django's ``input.html`` writes it."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        value_attr = "" if value is None else f' value="{escape(value)}"'
        return mark_safe(  # noqa: S308 — every value is escaped
            f'<input type="{escape(widget["type"])}" name="{escape(name)}"{value_attr}'
            f"{flatatt(widget['attrs'])}>"
        )


class PlainTextInput(PlainInputMixin, forms.TextInput):
    pass


class PlainDateInput(PlainInputMixin, forms.DateInput):
    pass


class PlainHiddenInput(PlainInputMixin, forms.HiddenInput):
    pass
