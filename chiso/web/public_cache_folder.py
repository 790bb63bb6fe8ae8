"""Where the public micro-cache keeps its copies (settings.CACHES["public"]); no Django import, settings read it.

Not in the data folder: that folder is MEDIA_ROOT (stored files), and Django rightly refuses a file cache inside
media (``check --deploy``, caches.W002). The copies are answers any anonymous reader gets, nothing private, so they
live in the machine's temporary folder, one folder per data folder (every gunicorn worker of one installation
shares it; two installations on one machine do not), made 0700 by Django's file cache.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path


def public_cache_folder(data_dir: Path) -> Path:
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"chiso-public-cache-{digest}"
