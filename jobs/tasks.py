"""The one django-tasks task: run a Job in the worker (``manage.py run_worker``)."""

from django_tasks import task


@task()
def run_job(job_id):
    from jobs import services

    services.run(job_id)
