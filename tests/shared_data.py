"""The development data in ``../shared`` (eval sets, corpus): present in CI, absent in a user's clone.

A test that needs it calls :func:`shared_path`: without the data it is skipped with a one-line
reason, except under ``CI=true``, where missing data is a failure (CI always has a copy).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.config import Settings


def shared_root() -> Path:
    return Settings().shared_dir


def shared_path(*parts: str) -> Path:
    """``../shared/<parts>``, or skip (fail in CI) when it is not there."""
    path = shared_root().joinpath(*parts)
    if not path.exists():
        reason = f"needs the shared development data: {path} is absent (a clone without ../shared)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path
