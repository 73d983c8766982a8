"""Fixtures of the transfers tests: 李明's son with an agreement in force."""

import datetime as dt

import pytest

from accounts.models import Scheme
from accounts.tests.factories import make_person

from .factories import make_agreement


@pytest.fixture
def li_xiaoming(db, clerk):
    """李明's son 李小明: resident scheme in 苏州市, same region as his father."""
    return make_person(
        name="李小明",
        region="320500",
        scheme=Scheme.RESIDENT,
        birth=dt.date(2012, 3, 1),
        operator=clerk,
    )


@pytest.fixture
def son_agreement(li_ming, li_xiaoming, clerk, reviewer):
    return make_agreement(li_ming, li_xiaoming, created_by=clerk, reviewed_by=reviewer)
