"""Every setting chiso reads from the environment, with its default and meaning.

This list is the single source for settings.py, for ``chiso settings`` and for the
README table; a test fails when a setting here is not documented there.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("CHISO_DATA_DIR", "~/.local/share/chiso", "Folder for the SQLite database and uploaded files."),
    Setting(
        "CHISO_DATABASE_URL",
        "sqlite:///$CHISO_DATA_DIR/chiso.sqlite3",
        "Database URL, e.g. postgres://user:password@host:5432/chiso. Default: an SQLite file in the data folder.",
    ),
    Setting("CHISO_DATABASE_POOL", "0",
            "PostgreSQL only: the most connections one server process keeps in its pool (psycopg_pool; Django's "
            "OPTIONS pool). 0: no pool, each thread keeps its own connection for 60 s. With `chiso serve`, at "
            "least its --threads (every process has its own pool: workers × this many connections in all)."),
    Setting("CHISO_DATABASE_REPLICA_URLS", "",
            "Comma-separated URLs of read-only PostgreSQL replicas (streaming replication of the primary, "
            "CHISO_DATABASE_URL). Page and API reads that may be a second behind go to one of them; writes, "
            "transactions, commands and the reads of a user who just wrote go to the primary. Empty: none."),
    Setting("CHISO_REPLICA_PIN_SECONDS", "5",
            "After a request that writes (a form sent, a login, an API write), that browser's or client's reads "
            "go to the primary for this many seconds (a cookie), so a writer reads its own writes."),
    Setting("CHISO_PUBLIC_CACHE_SECONDS", "1",
            "Anonymous readers of public pages and of the read API get a copy at most this many seconds old, "
            "kept in the data folder (cache/) and shared by the server's processes; an expired copy is "
            "rendered again by one request while the others get it, up to 10 times older. Never for a "
            "logged-in user, a token or a session. 0: no copy, every page is rendered."),
    Setting("CHISO_SECRET_KEY", "(random per data folder)", "Django secret key. Set it in production."),
    Setting("CHISO_DEBUG", "False", "True shows Django debug pages. Only 'True' or 'False'."),
    Setting("CHISO_ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names the server answers to."),
    Setting("CHISO_LANGUAGE", "vi", "Default interface language: vi or en."),
    Setting("CHISO_TIME_ZONE", "Asia/Ho_Chi_Minh", "Time zone for dates shown and periods entered."),
    Setting("CHISO_LOGIN_FAILURE_LIMIT", "5",
            "Wrong passwords in a row, for one user name from one address, before login is locked."),
    Setting("CHISO_LOGIN_LOCKOUT_MINUTES", "15",
            "How long a locked login stays locked (an administrator can unlock earlier: chiso axes_reset)."),
    Setting("CHISO_SECURE_COOKIES", "False",
            "True sends the session, CSRF and language cookies over HTTPS only. Set it in production."),
    Setting("CHISO_SSL_REDIRECT", "False",
            "True redirects every plain-HTTP request to HTTPS (needs CHISO_BEHIND_PROXY behind a TLS proxy)."),
    Setting("CHISO_HSTS_SECONDS", "0",
            "Strict-Transport-Security max-age in seconds (0: no header). 31536000 once HTTPS works for good."),
    Setting("CHISO_HSTS_INCLUDE_SUBDOMAINS", "False", "True adds includeSubDomains to the HSTS header."),
    Setting("CHISO_HSTS_PRELOAD", "False",
            "True adds preload to the HSTS header (only for a domain whose every subdomain serves HTTPS)."),
    Setting("CHISO_BEHIND_PROXY", "False",
            "True trusts X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-For from the reverse proxy in "
            "front (which must set them and drop the client's). Never True without such a proxy."),
    Setting("CHISO_LOG_LEVEL", "INFO", "Lowest level logged: DEBUG, INFO, WARNING or ERROR."),
    Setting("CHISO_LOG_FILE", "",
            "Also write the log to this file (a name inside the data folder, or an absolute path; mode 0600). "
            "Empty: standard error only."),
    Setting("CHISO_EVIDENCE_FILE_MAX_MB", "10",
            "Largest evidence file a unit may attach to a self-assessment, in MB (1 MB = 1.048.576 bytes). Files "
            "are kept in the data folder (bang-chung/, mode 0600); PDF, JPEG, PNG, DOCX and XLSX only."),
    Setting(
        "CHISO_TEST_POSTGRES_URL",
        "postgres://postgres@127.0.0.1:5432/chiso",
        "PostgreSQL server used by `make test` for the second run of the suite.",
    ),
    Setting(
        "CHISO_API_MAX_ROWS",
        "5000",
        "Most rows one API answer holds for a caller with a token or a login (analytics: indicators × units × "
        "periods, counted before computing); beyond it the answer carries a `next` link to the following page.",
    ),
    Setting("CHISO_API_ANONYMOUS_MAX_ROWS", "1000", "The same limit for callers without a token or login."),
    Setting(
        "CHISO_API_ANONYMOUS_RATE",
        "60/min",
        "Requests one anonymous caller (one IP address) may make to the API, e.g. 60/min or 2000/day; beyond it "
        "the API answers 429 with Retry-After. Counted per server process (Django's default cache); the "
        "answers of the public micro-cache (CHISO_PUBLIC_CACHE_SECONDS) are not counted.",
    ),
    Setting("CHISO_TOKEN_RATE", "600/min",
            "Requests one API token may make, e.g. 600/min; beyond it the API answers 429 with Retry-After. "
            "Counted per server process, like CHISO_API_ANONYMOUS_RATE."),
    Setting("CHISO_TEAMS_RETENTION_DAYS", "30",
            "Days a community team keeps a former member's name and phone before erasing them "
            "(0: at once), unless the ward sets its own."),
    Setting("CHISO_TOKEN_DAYS", "365",
            "Days a new API token is valid when its maker does not say (at most 730: two years)."),
    Setting("CHISO_OPEN_DATA_LICENCE",
            "https://creativecommons.org/licenses/by/4.0/ Dữ liệu mở theo Điều 43 Luật Giao dịch điện tử 2023 "
            "(Luật số 20/2023/QH15), cấp phép Creative Commons Ghi công 4.0 (CC BY 4.0): được tự do sao chép, "
            "phân phối, chỉnh sửa và dùng vào mọi mục đích, kể cả thương mại, miễn là ghi rõ nguồn.",
            "Licence of the open datasets: its URI, a space, then its text (the default cites Luật Giao dịch "
            "điện tử 2023, Art. 43, and maps to CC BY 4.0)."),
    Setting("CHISO_PUBLISHER_NAME",
            "Sở Khoa học và Công nghệ thành phố Đà Nẵng | Da Nang Department of Science and Technology",
            "Publisher (and contact point) of the open-data catalogue: Vietnamese name | English name. The "
            "default is Đà Nẵng's department in charge of digital transformation; set it for another city."),
    Setting("CHISO_PUBLISHER_URL", "https://sokhcn.danang.gov.vn",
            "The publisher's web site (a default: check it before publishing)."),
    Setting("CHISO_PUBLISHER_EMAIL", "sokhcn@danang.gov.vn",
            "The publisher's contact e-mail for the open data (a default: check it before publishing)."),
    Setting("CHISO_PUBLIC_URL", "http://127.0.0.1:8000",
            "The address the public reaches chiso at: links in pushed changes start with it."),
    Setting("CHISO_INTEGRATION_SETTLE_SECONDS", "30",
            "`chiso integration collect` reads an audit row once it is this old (a transaction still open is "
            "not skipped)."),
    Setting("CHISO_INTEGRATION_TIMEOUT_SECONDS", "10", "Timeout of one push or OAuth2 token request."),
    Setting("CHISO_INTEGRATION_BACKOFF_SECONDS", "60,300,1800,7200,43200",
            "Waits after the 1st, 2nd, … failed push, in seconds (the last one repeats)."),
    Setting("CHISO_INTEGRATION_MAX_ATTEMPTS", "6", "Tries of one push before it is marked failed."),
)


def env_str(name: str) -> str:
    """The value of a setting: the environment's, else its documented default."""
    default = next(s.default for s in SETTINGS if s.name == name)
    return os.environ.get(name) or default


def env_bool(name: str) -> bool:
    """Only the words True and False are accepted, so a typo cannot switch a flag silently."""
    value = env_str(name)
    if value not in ("True", "False"):
        raise ValueError(f"{name} must be True or False, not {value!r}")
    return value == "True"


def env_int(name: str) -> int:
    """A whole number setting; anything else stops the program with the setting's name."""
    value = env_str(name)
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


PRIVATE_DIR = 0o700  # the data folder and every folder in it: its owner only
PRIVATE_FILE = 0o600  # the database, uploads, logs, the secret key: its owner only


def make_private(path: Path, mode: int) -> None:
    """Give ``path`` ``mode`` when this process owns it (a folder someone else owns is left alone)."""
    if path.exists() and path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != mode:
        path.chmod(mode)


def private_folder(path: Path) -> Path:
    """Create ``path`` (missing parents with the usual mode) and make it 0700."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    make_private(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 when missing (no moment when it is readable by others)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, PRIVATE_FILE))
    make_private(path, PRIVATE_FILE)
    return path


def data_dir() -> Path:
    return private_folder(Path(os.path.expanduser(env_str("CHISO_DATA_DIR"))))


def public_cache_dir(data_dir: Path) -> Path:
    """Where the public micro-cache keeps its copies (``settings.CACHES["public"]``): not in the data folder, which is
    MEDIA_ROOT (Django rightly refuses a file cache inside media: ``check --deploy``, caches.W002). The copies are
    answers any anonymous reader gets, nothing private, so they live in the machine's temporary folder, one folder
    per data folder (every gunicorn worker of one installation shares it, two installations do not), made 0700."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return private_folder(Path(tempfile.gettempdir()) / f"chiso-public-cache-{digest}")


def secret_key(folder: Path) -> str:
    """The configured key, else one generated once and kept in the data folder."""
    if "CHISO_SECRET_KEY" in os.environ:
        return os.environ["CHISO_SECRET_KEY"]
    key_file = folder / "secret_key"
    if not key_file.exists():
        import secrets

        private_file(key_file).write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()
