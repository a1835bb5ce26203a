from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs are started from the pages and cleaned up by purge_jobs."""

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
