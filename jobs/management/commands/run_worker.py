"""The background worker: django-tasks-db's worker for the default queue, plus hourly
housekeeping (dead jobs, retention) in the same process.

One process on purpose. Its loop runs django_tasks_db's own ``Worker`` in batch mode
(every ready task, then return) and sleeps ``--interval`` seconds between batches; every
``--housekeeping`` seconds, between batches, it calls ``mark_dead_jobs`` and
``purge_expired``. So housekeeping never runs beside a task (no second writer on
SQLite), the job's recorded pid is this process (what ``mark_dead_jobs`` checks), and
Ctrl-C/SIGTERM are handled by the Worker exactly as ``db_worker`` does: idle → exit at
once; busy → finish the current task, then exit; a second signal → stop now (the job is
recorded failed).
"""

import os
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from jobs import registry, services


class Command(BaseCommand):
    help = "运行后台任务进程（导出、导入），并每小时清理中止和过期的任务"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="空闲时轮询间隔（秒）")
        parser.add_argument(
            "--housekeeping", type=float, default=3600.0, help="清理中止/过期任务的间隔（秒）"
        )
        parser.add_argument(
            "--once", action="store_true", help="处理完当前队列中的任务后退出（用于测试和脚本）"
        )

    def handle(self, *args, interval=1.0, housekeeping=3600.0, once=False, verbosity=1, **kw):
        worker = Worker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=0,
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        signals = [signal.SIGINT, signal.SIGTERM]
        if hasattr(signal, "SIGQUIT"):
            signals.append(signal.SIGQUIT)
        previous = {sig: signal.getsignal(sig) for sig in signals}
        worker.configure_signals()
        if verbosity:
            self.stdout.write(
                _("后台任务进程已启动（pid %(pid)d），Ctrl-C 停止。") % {"pid": os.getpid()}
            )
        next_housekeeping = 0.0  # at startup: jobs left running by a killed worker
        while worker.running:
            if time.monotonic() >= next_housekeeping:
                self.housekeep(verbosity)
                next_housekeeping = time.monotonic() + housekeeping
            worker.run()
            if once:
                break
            if worker.running:
                close_old_connections()
                time.sleep(interval)
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    def housekeep(self, verbosity):
        dead = services.mark_dead_jobs(check_queue=True)
        deleted = services.purge_expired()
        for task in registry.hourly_tasks():  # what the apps registered (jobs.registry)
            task()
        if verbosity and (dead or deleted):
            self.stdout.write(
                _("已标记中止任务 %(dead)d 个，删除过期任务 %(deleted)d 个。")
                % {"dead": dead, "deleted": deleted}
            )
            self.stdout.flush()
