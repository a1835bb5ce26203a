from django.contrib import admin

from jobs import services
from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs are started from the pages and expire through purge_jobs. A job a
    superuser deletes here takes its files with it, as the purge does."""

    list_display = ["id", "kind", "user", "state", "rows_done", "rows_total", "created_at"]
    list_filter = ["kind", "state"]
    search_fields = ["user__username", "file_name", "upload_name"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    # Files go to their owner only, through jobs:download.
    exclude = ["file", "upload"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.delete_files(obj)

    def delete_queryset(self, request, queryset):
        jobs = list(queryset)
        super().delete_queryset(request, queryset)
        for job in jobs:
            services.delete_files(job)
