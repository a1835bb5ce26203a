"""The bare page the ledger is measured against (issue 17): served only by bench.settings.

The same 50 rows as the first page of the ledger, from the same scoped and filtered
queryset (``hazards.selectors.hazard_list(user, GET).qs``: scope, filters, order), in a
plain ``<table>`` through one small Django template, in the same gunicorn process: no tabs,
no COUNT, no filter widgets, no badges, no links, no base template. What the ledger costs
above it is what its features cost; the bare page's own cost (the query, 50 model
instances, a template) is the bound, not the target.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines

from hazards import selectors

PAGE_SIZE = 50

_TABLE = engines["django"].from_string(
    """<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>bare</title></head>
<body><table>
<tr><th>编号</th><th>企业</th><th>状态</th><th>描述</th><th>等级</th><th>期限</th><th>发现</th><th>乡镇/网格</th></tr>
{% for h in rows %}<tr><td>{{ h.number }}</td><td>{{ h.enterprise.name }}</td><td>{{ h.status }}</td>\
<td>{{ h.description|truncatechars:80 }}</td><td>{{ h.level }}</td><td>{{ h.deadline|date:"Y-m-d" }}</td>\
<td>{{ h.found_on|date:"Y-m-d" }}</td><td>{{ h.township.name }} · {{ h.cell.name }}</td></tr>
{% endfor %}</table></body></html>"""
)


@login_required
def bare(request):
    rows = list(selectors.hazard_list(request.user, request.GET).qs[:PAGE_SIZE])
    return HttpResponse(_TABLE.render({"rows": rows}, request))
