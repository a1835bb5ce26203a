"""The upload pages of the inspection and enforcement imports (admin and county users)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from inspections import imports
from jobs import services as jobs
from jobs import uploads

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request, kind, template_kind, *, context, file_label, success_message):
    """GET: the form (``?template=1``: the template workbook). POST: check, then import."""
    if request.method == "GET" and request.GET.get("template"):
        jobs.require_allowed(request.user, kind)
        response = HttpResponse(imports.template_bytes(template_kind), content_type=XLSX_TYPE)
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{template_kind}-template.xlsx"
        )
        return response
    return uploads.import_page(
        request,
        kind,
        template_name="inspections/import.html",
        file_label=file_label,
        success_message=success_message,
        context={"template_url": "?template=1", **context},
    )


@login_required
def import_inspections(request):
    return _page(
        request,
        "import_inspections",
        "inspections",
        file_label=_("检查记录文件（.xlsx）"),
        success_message=_(
            "导入完成：新增 %(created)d 条检查记录，%(unchanged)d 条与已有记录相同已跳过。"
        ),
        context={
            "heading": _("导入检查记录"),
            "what": _("检查记录"),
            "back_url": reverse("inspections:list"),
            "back_label": _("检查记录"),
            "help_rows": imports.INSPECTION_HELP,
        },
    )


@login_required
def import_enforcement(request):
    return _page(
        request,
        "import_enforcement",
        "enforcement",
        file_label=_("执法记录文件（.xlsx）"),
        success_message=_(
            "导入完成：新增 %(created)d 条执法记录，%(unchanged)d 条与已有记录相同已跳过。"
        ),
        context={
            "heading": _("导入执法记录"),
            "what": _("执法记录"),
            "back_url": reverse("inspections:enforcement_list"),
            "back_label": _("执法记录"),
            "help_rows": imports.ENFORCEMENT_HELP,
        },
    )
