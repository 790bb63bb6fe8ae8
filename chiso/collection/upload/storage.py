"""Where an uploaded file waits between its preview and the officer's confirmation, and the per-user lock
that allows one upload at a time.

The file's bytes are kept in the data folder (``$CHISO_DATA_DIR/uploads/<user id>/<token>``) and only the
token is kept in the session: sessions live in the database and a 20 MB blob does not belong there, and
asking the browser to send the file again would double the upload. Files older than a day are removed
whenever the same user uploads again.

The lock is a file created with ``O_CREAT | O_EXCL`` in the same folder: atomic on every POSIX file system,
shared by every worker process of the server (Django's default cache is per process, so ``cache.add`` would
let two workers each take "the" lock), and needs no table. A lock older than ``LOCK_SECONDS`` is stale (a
worker died mid-upload) and is taken over.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from chiso import conf

LOCK_SECONDS = 300
KEEP_SECONDS = 24 * 3600


def _folder(*parts: str) -> Path:
    folder = conf.private_folder(Path(settings.DATA_DIR) / "uploads")
    for part in parts:
        folder = conf.private_folder(folder / part)
    return folder


def _lock_path(user_id: int) -> Path:
    return _folder("locks") / f"user-{int(user_id)}.lock"


@contextmanager
def upload_lock(user_id: int) -> Iterator[bool]:
    """``with upload_lock(user.pk) as held:`` — ``held`` is False while another upload of the user runs."""
    path = _lock_path(user_id)
    held = _take(path)
    try:
        yield held
    finally:
        if held:
            path.unlink(missing_ok=True)


def _take(path: Path) -> bool:
    for _ in range(2):
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return True
        except FileExistsError:
            try:
                stale = time.time() - path.stat().st_mtime > LOCK_SECONDS
            except FileNotFoundError:
                continue  # released meanwhile: try again
            if not stale:
                return False
            path.unlink(missing_ok=True)
    return False


def is_locked(user_id: int) -> bool:
    path = _lock_path(user_id)
    return path.exists() and time.time() - path.stat().st_mtime <= LOCK_SECONDS


def keep(user_id: int, content: bytes) -> str:
    """Store an uploaded file's bytes; the token to find them again."""
    folder = _folder(str(int(user_id)))
    now = time.time()
    for old in folder.iterdir():
        if now - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    with open(conf.private_file(folder / token), "wb") as kept:  # 0600: only the server reads it
        kept.write(content)
    return token


def load(user_id: int, token: str) -> bytes | None:
    if not _valid(token):
        return None
    path = _folder(str(int(user_id))) / token
    try:
        return path.read_bytes()
    except OSError:
        return None


def forget(user_id: int, token: str) -> None:
    if _valid(token):
        (_folder(str(int(user_id))) / token).unlink(missing_ok=True)


def _valid(token: str) -> bool:
    return bool(token) and token.isascii() and token.replace("-", "").replace("_", "").isalnum()
