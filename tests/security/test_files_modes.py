"""The data folder, database and uploaded files (issue 8, defect 10) were world-readable (0755 / 0644)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from chiso.collection.upload import storage

CHISO = Path(sys.executable).parent / "chiso"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_database_and_secret_key_are_its_owner_s_only(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHISO_")}
    env.update(CHISO_DATA_DIR=str(data), CHISO_DATABASE_URL="", CHISO_LOG_FILE="chiso.log")
    # A write while the connection is open, so SQLite's -wal and -shm files exist when they are looked at.
    code = ("import os, stat; from pathlib import Path; from django.conf import settings; "
            "from django.db import connection; c = connection.cursor(); c.execute('CREATE TABLE t (x)'); "
            "c.execute('INSERT INTO t VALUES (1)'); "
            "import logging; logging.getLogger('chiso.test').error('x'); "
            "print(' '.join(f'{p.name}={stat.S_IMODE(p.stat().st_mode):o}' "
            "for p in sorted(Path(settings.DATA_DIR).iterdir()) if p.is_file()))")
    done = subprocess.run([str(CHISO), "shell", "--no-imports", "-c", code], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["chiso.log=600", "chiso.sqlite3=600", "chiso.sqlite3-shm=600",
                                   "chiso.sqlite3-wal=600", "secret_key=600"]
    assert mode(data) == 0o700
    assert (data / "chiso.log").read_text(encoding="utf-8").endswith(" ERROR [-] chiso.test: x\n")


def test_an_uploaded_file_and_its_folders_are_private(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    token = storage.keep(7, b"ma_don_vi,ky,chi_tieu,gia_tri\n")
    assert mode(tmp_path / "uploads") == 0o700
    assert mode(tmp_path / "uploads" / "7") == 0o700
    assert mode(tmp_path / "uploads" / "7" / token) == 0o600
    assert storage.load(7, token) == b"ma_don_vi,ky,chi_tieu,gia_tri\n"
    with storage.upload_lock(7) as held:
        assert held
        assert mode(tmp_path / "uploads" / "locks") == 0o700


def test_django_s_own_upload_storage_is_private_too():
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
