"""``/healthz``: may this process answer? For the load balancer, systemd and whoever watches the site.

200 ``{"status": "ok", "database": "ok", "migrations": "ok"}`` when the primary database answers and every
migration this code knows is applied; 503 with ``"database": "unreachable"`` or ``"migrations": "pending"``
otherwise. Nothing else: no host names, versions, error texts or counts (anyone may call it).
"""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("chiso.health")
_migrated = False  # once every migration is applied, it stays so for this process (its code cannot change)


def _migrations_applied() -> bool:
    global _migrated
    if not _migrated:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    answer = {"status": "ok", "database": "ok", "migrations": "ok"}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrations_applied():
            answer.update(status="error", migrations="pending")
    except DatabaseError:
        logger.exception("healthz: the database did not answer")
        answer.update(status="error", database="unreachable", migrations="unknown")
    return JsonResponse(answer, status=200 if answer["status"] == "ok" else 503)
