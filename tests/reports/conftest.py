import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _chinese():
    """Labels are compared in Chinese, whatever language an earlier request left active in this thread."""
    with translation.override("zh-hans"):
        yield
