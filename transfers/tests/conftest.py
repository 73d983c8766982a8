"""Fixtures of the transfers tests: 李明 shares with his son 李小明 (root conftest)."""

import pytest

from accounts.tests.factories import credit, make_agreement, make_person

from .factories import accept, local, transfer


@pytest.fixture
def son_agreement(li_ming, li_xiaoming):
    return make_agreement(li_ming, li_xiaoming)


@pytest.fixture
def filled_wallet(li_ming, li_xiaoming, son_agreement, clerk):
    """李小明's wallet: ¥100 from his father (accepted first), then ¥200 from his mother."""
    mother = make_person(name="王梅", gender="F")
    credit(mother.account, "500.00")
    make_agreement(mother, li_xiaoming)
    from_father = transfer(li_ming, li_xiaoming, "100.00", operator=clerk, at=local(2025, 3, 10, 9))
    from_mother = transfer(mother, li_xiaoming, "200.00", operator=clerk, at=local(2025, 3, 10, 10))
    accept(from_father)
    accept(from_mother)
    return from_father, from_mother
