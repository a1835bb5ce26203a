"""生成专项检查表: the button on 判定标准 (criteria:list) that generates the 重大事故隐患专项检查表
of every industry from the criteria library (inspections.criteria_checklists)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grid import scoping
from inspections.criteria_checklists import generate_all


@login_required
@require_POST
def generate_checklists(request):
    scoping.require(request.user, "checklist.generate")
    results = generate_all()
    if not results:
        messages.warning(request, _("判定标准库中没有现行条目，未生成检查表。"))
        return redirect("criteria:list")
    created = sum(1 for r in results if r.created)
    messages.success(
        request,
        _(
            "已生成 %(n)d 张重大事故隐患专项检查表（新建 %(created)d 张，更新 %(updated)d 张），"
            "共 %(items)d 项；已废止或不再适用的 %(off)d 项已停用。"
            "开始检查时可选用这些检查表。"
        )
        % {
            "n": len(results),
            "created": created,
            "updated": len(results) - created,
            "items": sum(r.active for r in results),
            "off": sum(r.switched_off for r in results),
        },
    )
    return redirect("criteria:list")
