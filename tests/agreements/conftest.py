import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """reverse() follows the active language; a request to /ru/ in an earlier test leaves it."""
    with translation.override("en"):
        yield
