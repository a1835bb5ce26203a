"""The upload page of the hazard-ledger import (admin and county users)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from grid import scoping
from hazards import imports
from jobs import services as jobs


class HazardImportForm(forms.Form):
    file = forms.FileField(
        label=_("隐患台账文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
    )
    dry_run = forms.BooleanField(
        label=_("只校验，不导入"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=_("先检查文件中的每一行，报告全部错误，不写入任何数据。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("只能导入 .xlsx 格式的 Excel 工作簿。"))
        return upload


def _require_importer(user):
    if not scoping.allowed(user, "hazard.import"):
        raise PermissionDenied


@login_required
def import_hazards(request):
    """GET: the form (``?template=1``: the template workbook). POST: check, then import."""
    _require_importer(request.user)
    if request.method == "GET" and request.GET.get("template"):
        response = HttpResponse(
            imports.template_bytes(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = "attachment; filename*=UTF-8''hazard-ledger-template.xlsx"
        return response
    form = HazardImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
        if jobs.import_in_background(upload):
            job = jobs.start(
                request.user, "import_hazards", {"dry_run": "1" if dry_run else "0"}, upload
            )
            messages.info(request, _("文件较大，已转入后台处理。完成后在此页查看结果。"))
            return redirect("jobs:detail", pk=job.pk)
        result = imports.import_hazards(upload, by=request.user, dry_run=dry_run)
        if result.ok and not result.dry_run:
            messages.success(
                request,
                _("导入完成：新增 %(c)d 条隐患，%(u)d 条与已有记录相同已跳过。")
                % {"c": result.created, "u": result.unchanged},
            )
    return render(
        request,
        "hazards/import.html",
        {
            "form": form,
            "result": result,
            "errors_shown": result.errors[:500] if result else [],
            "required_columns": imports.REQUIRED_COLUMNS,
            "optional_columns": imports.OPTIONAL_COLUMNS,
            "categories": list(imports.CATEGORIES),
        },
        status=400 if result is not None and not result.ok else 200,
    )
