"""Fixtures of the transfers tests: 李明 shares with his son 李小明 (root conftest)."""

import pytest

from accounts.tests.factories import make_agreement


@pytest.fixture
def son_agreement(li_ming, li_xiaoming):
    return make_agreement(li_ming, li_xiaoming)
