"""Tests that need something from the machine (Chromium, Redis, nginx) skip without it on a
developer's machine; CI sets the flag and then a missing piece is a failure, not a skip."""

import os

import pytest


def unavailable(message: str, *, flag: str):
    """Skip the test, or fail it when the environment variable ``flag`` is set (``.ci/run``)."""
    if os.environ.get(flag):
        pytest.fail(f"{message} ({flag} is set)")
    pytest.skip(message)
