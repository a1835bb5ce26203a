from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.spreadsheets import workbook_bytes
from enterprises import services
from enterprises.filters import EnterpriseFilter
from enterprises.forms import EnterpriseForm
from enterprises.imports import HEADERS
from enterprises.models import EnterpriseStatus
from grid import scoping
from jobs import uploads

PAGE_SIZE = 50


@login_required
def enterprise_list(request):
    if not scoping.allowed(request.user, "view"):
        raise PermissionDenied
    qs = (
        scoping.enterprises_for(request.user)
        .select_related("cell", "township")
        .order_by("township_id", "name", "id")
    )
    filterset = EnterpriseFilter(request.GET or None, queryset=qs, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/list.html",
        {
            "filter": filterset,
            "filter_active": any(
                request.GET.get(name) for name in filterset.filters if name != "q"
            ),
            "page_obj": page,
            "can_edit": scoping.allowed(request.user, "enterprise.edit"),
            "can_import": scoping.allowed(request.user, "enterprise.import"),
            "can_manage_accounts": scoping.allowed(request.user, "account.manage"),
        },
    )


@login_required
def enterprise_detail(request, pk):
    enterprise = scoping.get_or_404(
        scoping.enterprises_for(request.user)
        .select_related("cell", "cell__parent", "township")
        .prefetch_related("inspectors"),
        pk=pk,
    )
    user = request.user
    is_open = enterprise.status != EnterpriseStatus.CLOSED
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "can_edit": scoping.allowed(user, "enterprise.edit"),
            "can_register": is_open and scoping.allowed(user, "hazard.register"),
            "can_inspect": is_open and scoping.allowed(user, "inspection.record"),
            "can_manage_accounts": scoping.allowed(user, "account.manage"),
        },
    )


def _save(request, form, *, instance=None):
    """Run the service for a valid form; map its ValidationError back onto the form."""
    try:
        return services.save_enterprise(
            form.instance, by=request.user, inspectors=form.cleaned_data["inspectors"]
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


@login_required
def enterprise_create(request):
    scoping.require(request.user, "enterprise.edit")
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        enterprise = _save(request, form)
        if enterprise is not None:
            messages.success(request, _("已登记企业“%(name)s”。") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": None})


@login_required
def enterprise_edit(request, pk):
    enterprise = scoping.get_or_404(scoping.enterprises_for(request.user), pk=pk)
    scoping.require(request.user, "enterprise.edit", enterprise)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, instance=enterprise)
        if saved is not None:
            messages.success(request, _("已保存企业“%(name)s”。") % {"name": saved.name})
            return redirect("enterprises:detail", pk=saved.pk)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise})


@login_required
def enterprise_import(request):
    return uploads.import_page(
        request,
        "import_enterprises",
        template_name="enterprises/import.html",
        file_label=_("企业名录（.xlsx）"),
        file_help=_("第 1 行为表头，列顺序不限；每行一家企业。"),
        success_message=_(
            "导入完成：新增 %(created)d 家，更新 %(updated)d 家，无变化 %(unchanged)d 家。"
        ),
        context={
            "heading": _("导入企业名录"),
            "back_url": reverse("enterprises:list"),
            "back_label": _("企业名录"),
            "template_url": reverse("enterprises:import_template"),
            "headers": HEADERS,
        },
    )


@login_required
def import_template(request):
    """An empty register with the header row and one example line."""
    scoping.require(request.user, "enterprise.import")
    example = [
        "示范县地方镇宏达石材有限公司",
        "91371300MA3C000005",
        "工贸-建材",
        "规模以下",
        "示范县地方镇东村1号",
        "张三",
        "李四",
        "13900000000",
        "地方镇/第一工作区/东村",
        "黄",
    ]
    data = workbook_bytes(HEADERS, [example], title=_("企业名录"))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''enterprise-template.xlsx"
    return response
