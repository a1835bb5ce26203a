"""The upload page of every import: one form, one view helper, one page template.

An app's import view is ``import_page(request, kind, …)`` with the kind it registered
(``jobs.registry.register_import``): the registered permission guards the page and the
registered importer checks the file. A small file is imported at once and the page shows
the result (every error in a table, status 400); a large one goes to the worker and the
browser to the job's progress page (``services.import_in_background``). The page is
``includes/import_page.html``, which the app's template extends for its title, its result
sentence and its notes on the file format.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from jobs import services

XLSX = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 500  # a file with more errors shows the first ones and says how many


class ImportForm(forms.Form):
    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": XLSX}))
    dry_run = forms.BooleanField(
        label=_("只校验，不导入（试导入）"),
        required=False,
        help_text=_("先检查文件中的每一行，报告全部错误，不写入任何数据。"),
    )

    def __init__(self, *args, file_label, file_help="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = file_label
        self.fields["file"].help_text = file_help

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("只能导入 .xlsx 格式的 Excel 工作簿。"))
        try:
            services.check_upload_size(upload)
        except services.JobError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


def import_page(
    request, kind, *, template_name, file_label, success_message, file_help="", context=None
):
    """GET: the form. POST: check the file, then import it (or hand it to the worker).

    ``success_message`` is formatted with the result's ``created``, ``updated`` and
    ``unchanged`` counts; ``context`` adds what the app's template shows.
    """
    services.require_allowed(request.user, kind)
    importer = services.get_kind(kind).importer
    form = ImportForm(
        request.POST or None, request.FILES or None, file_label=file_label, file_help=file_help
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
        if services.import_in_background(upload):
            job = services.start(request.user, kind, {"dry_run": "1" if dry_run else "0"}, upload)
            messages.info(request, _("文件较大，已转入后台处理。完成后在此页查看结果。"))
            return redirect("jobs:detail", pk=job.pk)
        result = importer(upload, by=request.user, dry_run=dry_run)
        if result.ok and not result.dry_run:
            messages.success(
                request,
                success_message
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
    return render(
        request,
        template_name,
        {
            "form": form,
            "result": result,
            "errors_shown": result.errors[:ERRORS_SHOWN] if result else [],
            **(context or {}),
        },
        status=400 if result is not None and not result.ok else 200,
    )
