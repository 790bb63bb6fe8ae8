"""Static files for ``chiso serve``: hashed names, gzip and brotli copies, a year in the browser's cache.

``chiso collectstatic`` (run by ``chiso serve`` before it starts) copies every static file into
``STATIC_ROOT`` under a name that holds a hash of its content (``echarts.min.8d3c….js``), with ``.gz`` and
``.br`` copies; WhiteNoise then sends the smallest copy the browser accepts, with
``Cache-Control: max-age=31536000, public, immutable`` (a changed file has a new name, so a year is safe).

Without ``collectstatic`` (tests, ``make demo``, a fresh checkout) there is no manifest: pages link the plain
names, which WhiteNoise serves from the apps' folders (``WHITENOISE_USE_FINDERS``) with a 60 s cache.
A file added after the last ``collectstatic`` is linked by its plain name too, instead of failing the page.
"""

from __future__ import annotations

from wsgiref.headers import Headers

from whitenoise.storage import CompressedManifestStaticFilesStorage

ONE_YEAR = 365 * 24 * 60 * 60


class CompressedStaticFiles(CompressedManifestStaticFilesStorage):
    """Django's manifest storage with WhiteNoise's compression, forgiving a missing manifest."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # collectstatic has not run: the plain name, served from the app folder
            return name
        try:
            return super().stored_name(name)
        except ValueError:  # not in the manifest (added since): the plain name
            return name


def cache_for_a_year(headers: Headers, path: str, url: str) -> None:
    """``WHITENOISE_ADD_HEADERS_FUNCTION``: a hashed file is cached a year, not WhiteNoise's ten."""
    if "immutable" in (headers.get("Cache-Control") or ""):
        headers["Cache-Control"] = f"max-age={ONE_YEAR}, public, immutable"
