"""The upload page of the hazard-ledger import (admin and county users)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from hazards import imports
from jobs import services as jobs
from jobs import uploads

KIND = "import_hazards"


@login_required
def import_hazards(request):
    """GET: the form (``?template=1``: the template workbook). POST: check, then import."""
    if request.method == "GET" and request.GET.get("template"):
        jobs.require_allowed(request.user, KIND)
        response = HttpResponse(
            imports.template_bytes(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = "attachment; filename*=UTF-8''hazard-ledger-template.xlsx"
        return response
    return uploads.import_page(
        request,
        KIND,
        template_name="hazards/import.html",
        file_label=_("隐患台账文件（.xlsx）"),
        success_message=_(
            "导入完成：新增 %(created)d 条隐患，%(unchanged)d 条与已有记录相同已跳过。"
        ),
        context={
            "heading": _("导入隐患台账"),
            "back_url": reverse("hazards:list"),
            "back_label": _("隐患台账"),
            "template_url": "?template=1",
            "required_columns": imports.REQUIRED_COLUMNS,
            "optional_columns": imports.OPTIONAL_COLUMNS,
            "categories": list(imports.CATEGORIES),
        },
    )
