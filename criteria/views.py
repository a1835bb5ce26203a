from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from criteria.forms import CriteriaFilterForm, LoadForm
from criteria.loader import LoadError, LoadResult, load, read
from criteria.models import Criterion, Standard, q_industry
from grid import scoping

SEARCH_LIMIT = 15
TEMPLATE_FILE = Path(__file__).resolve().parent / "templates_files" / "criteria_template.json"


def _require_viewer(user):
    """Criteria are public texts: every role may read them."""
    if not scoping.allowed(user, "view"):
        raise PermissionDenied


def _require_admin(user):
    if not scoping.allowed(user, "criteria.load"):
        raise PermissionDenied


@login_required
@require_GET
def criteria_list(request):
    _require_viewer(request.user)
    form = CriteriaFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    industry, words = data.get("industry") or "", data.get("q") or ""
    standards = Standard.objects.select_related("repealed_by")
    items = Criterion.objects.select_related("standard").for_industry(industry).search(words)
    if industry:
        standards = standards.filter(q_industry(industry))
    if not data.get("repealed"):
        standards = standards.exclude(repealed_on__lte=timezone.localdate())
        items = items.in_force()
    by_standard = {}
    for item in items:
        by_standard.setdefault(item.standard_id, []).append(item)
    rows = [
        (standard, by_standard.get(standard.pk, []))
        for standard in standards
        if not words or standard.pk in by_standard
    ]
    return render(
        request,
        "criteria/list.html",
        {
            "form": form,
            "rows": rows,
            "item_count": sum(len(v) for v in by_standard.values()),
            "can_load": scoping.allowed(request.user, "criteria.load"),
            "can_generate": scoping.allowed(request.user, "checklist.generate"),
        },
    )


@login_required
@require_GET
def search(request):
    """htmx: the in-force items matching ?q= for ?industry=, for the 判定依据 picker."""
    _require_viewer(request.user)
    industry = request.GET.get("industry", "")
    words = request.GET.get("q", "")[:100]
    items = list(
        Criterion.objects.select_related("standard")
        .in_force()
        .for_industry(industry)
        .search(words)[: SEARCH_LIMIT + 1]
    )
    return render(
        request,
        "criteria/_results.html",
        {
            "items": items[:SEARCH_LIMIT],
            "more": len(items) > SEARCH_LIMIT,
            "words": words,
            "industry": industry,
        },
    )


@login_required
def load_file(request):
    """管理员 upload a criteria file: every row checked, all or nothing."""
    _require_admin(request.user)
    result = None
    form = LoadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = read(form.cleaned_data["file"])
        except LoadError as exc:
            result = LoadResult(errors=[(None, None, str(exc))])
        else:
            result = load(data, dry_run=form.cleaned_data["dry_run"])
        if result.ok and not result.dry_run:
            messages.success(
                request,
                _("导入完成：新增 %(c)d 条，更新 %(u)d 条，无变化 %(s)d 条。")
                % {"c": result.created, "u": result.updated, "s": result.unchanged},
            )
    return render(
        request,
        "criteria/load.html",
        {"form": form, "result": result},
        status=400 if result is not None and not result.ok else 200,
    )


@login_required
@require_GET
def template_file(request):
    _require_admin(request.user)
    return FileResponse(
        TEMPLATE_FILE.open("rb"),
        as_attachment=True,
        filename="criteria_template.json",
        content_type="application/json",
    )
