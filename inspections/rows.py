"""The coverage board's village rows as HTML, rendered in Python (issue 17).

The county's board is a row per village (200 at 1M hazards) with up to five not-inspected
enterprises each: through the template language each row cost a ``{% blocktranslate %}``
or two, a ``risk_badge`` per enterprise and the escaping of every value. Here the labels
are translated once and each row is a few string joins, as ``hazards.rows`` does for the
ledger. The HTML is the template's, character for character (tests/inspections pin it).
"""

from html import escape as _escape

from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enterprises.models import RiskColour


def escape(value):
    """Django's ``escape`` without its lazy-string wrapper: the same text."""
    return _escape(str(value))


def _number(value):
    """A number as ``{{ value }}`` prints it (localized)."""
    return escape(localize(value))


def _numbers():
    """``_number``, or ``str`` where it gives the same text (no thousands separator, a
    decimal point): 1,600 numbers a county board, each ``localize`` looking its formats up."""
    if settings.USE_THOUSAND_SEPARATOR or get_format("DECIMAL_SEPARATOR") != ".":
        return _number
    return str


def coverage_rows(cells, query):
    """The ``<tr>``s of one township's table of the board: ``cells`` its ``CellCoverage``s,
    ``query`` the board's querystring without page and cell (kept in each village's link)."""
    number = _numbers()
    risks = {value: escape(label) for value, label in RiskColour.choices}
    all_done = f'<span class="text-success small">{escape(_("已全部检查"))}</span>'
    link_head = f"?{escape(query)}&amp;cell=" if query else "?cell="
    parts = []
    for c in cells:
        pk = c.cell.pk
        rate = "—" if c.rate is None else f"{number(c.rate)}%"
        parts.append(
            f'\n      <tr data-cell="{number(pk)}">\n'
            f'        <td class="text-nowrap">{escape(c.cell.name)}</td>\n'
            f'        <td class="text-end">{number(c.inspected)}</td>\n'
            f'        <td class="text-end">{number(c.total)}</td>\n'
            f'        <td class="text-end">{rate}</td>\n'
            '        <td class="wrap">'
        )
        if c.missing:
            n = c.missing_count
            summary = ngettext("%(n)s 家未检查", "%(n)s 家未检查", n) % {"n": number(n)}
            parts.append(
                f"\n          <details{' open' if n <= 5 else ''}>"
                f'<summary class="small">{summary}</summary>\n          '
            )
            for e in c.missing:
                parts.append(
                    f'<div class="small"><span class="badge risk-{escape(e.risk)}">'
                    f"{risks.get(e.risk, escape(e.risk))}</span> {escape(e.name)}</div>"
                )
            parts.append("\n          </details>\n          ")
            if c.more:
                more = _("另有 %(m)s 家未列出，查看全部 %(n)s 家") % {
                    "m": number(c.more),
                    "n": number(n),
                }
                parts.append(
                    f'<div class="small"><a href="{link_head}{number(pk)}">{more}</a></div>'
                )
            parts.append("\n        ")
        elif c.total:
            parts.append(all_done)
        parts.append("</td>\n      </tr>\n    ")
    return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped
