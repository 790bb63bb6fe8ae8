"""API tokens: made here, shown once, stored only as their SHA-256 (``ApiToken.token_hash``).

The admin creates them; ``api.auth`` looks them up. Both layers sit above this one.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser

from chiso.accounts.models import ApiToken

TOKEN_PREFIX = "chiso_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the stored row and the token text, which is never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return ApiToken.objects.create(user=user, name=name, token_hash=hash_token(token)), token
