"""The log: standard error always, and a file when ``CHISO_LOG_FILE`` is set (mode 0600, reopened when
logrotate moves it). Each line carries the request id (``-`` outside a request). Unhandled exceptions are
logged by Django's ``django.request`` logger with their traceback, API ones too (``chiso.web.errors``)."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path
from typing import Any

from chiso.web.request_id import request_id_of

FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_of(getattr(record, "request", None))
        return True


class PrivateFileHandler(logging.handlers.WatchedFileHandler):
    """A log file only its owner can read: created 0600, made 0600 if it was not."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        if os.fstat(fd).st_uid == os.getuid():
            os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def logging_config(level: str, log_file: Path | None) -> dict[str, Any]:
    """Django's LOGGING: every record goes to the root logger's handlers (Django's own included)."""
    level = level.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ValueError(f"CHISO_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    handlers: dict[str, dict[str, Any]] = {
        "stderr": {"class": "logging.StreamHandler", "formatter": "chiso", "filters": ["request_id"]},
    }
    if log_file is not None:
        handlers["file"] = {"class": "chiso.web.logs.PrivateFileHandler", "filename": str(log_file),
                            "encoding": "utf-8", "formatter": "chiso", "filters": ["request_id"]}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "chiso.web.logs.RequestIdFilter"}},
        "formatters": {"chiso": {"format": FORMAT}},
        "handlers": handlers,
        "root": {"handlers": list(handlers), "level": "WARNING"},
        "loggers": {
            # Django's defaults log to the console only with DEBUG and mail errors to ADMINS: replaced by
            # the root handlers (no mail, no duplicate lines).
            "django": {"handlers": [], "level": level, "propagate": True},
            "chiso": {"handlers": [], "level": level, "propagate": True},
            # runserver's own line per request ("GET / HTTP/1.1" 200): chiso.request writes one already.
            "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
            "axes": {"handlers": [], "level": "WARNING", "propagate": True},
        },
    }
