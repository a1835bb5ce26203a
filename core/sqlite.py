"""SQLite's query planner statistics: ``ANALYZE`` after every ``migrate``.

SQLite plans without statistics unless someone runs ANALYZE, and Django never does. Without
them it takes any index whose first column is compared with ``=`` or ``IN`` as selective:
for a county user, whose scope is ``township_id IN (<every township>)``, it read all the
county's hazards through the township index and sorted them for each 50-row page of the
ledger (110 ms at 100,000 hazards, 1.4 s at 1,000,000: issue 17) although the index
``hazard_list_all`` (found_on DESC, id DESC) gives that order directly. With the figures
of ``sqlite_stat1`` it knows that twenty townships are the whole table and walks that
index for 50 rows.

So every ``migrate`` (each deployment and upgrade runs it, and a restore runs it too) ends
with ``ANALYZE`` on SQLite: about 1 s per 100,000 hazards. An empty table gets no
statistics (a fresh installation plans as before); the figures are proportions, so those of
a smaller county still lead to the same plans as it grows. PostgreSQL keeps its own
statistics (autovacuum): nothing to do there.
"""

from django.db import connections


def analyze(sender, using="default", plan=None, **kwargs):
    """post_migrate receiver (connected by core.apps for the core app: once per migrate)."""
    if plan is None:
        return  # a flush (between transactional tests), not a migrate
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
