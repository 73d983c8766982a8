"""The people of the audit tests: 张三, a clerk placed at a hall, and 李明 whom he
registers, with the standard's own example ID number."""

import pytest
from django.db import connection

from accounts.models import PoolingRegion, ServiceHall
from accounts.services.people import person_register
from accounts.tests.factories import make_user

# GB 11643-1999's own example of a citizen identity number.
ID_NUMBER = "11010519491231002X"


def database_minute() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')")
        return cursor.fetchone()[0]


@pytest.fixture
def zhang_san(db):
    """张三, a clerk of the hall of 姑苏区 in 苏州."""
    hall = ServiceHall.objects.create(
        code="320508-01",
        name="苏州市姑苏区服务大厅",
        region=PoolingRegion.objects.get(code="320500"),
    )
    return make_user("clerk", username="zhangsan", first_name="张三", hall=hall)


@pytest.fixture
def li_ming_registered(zhang_san):
    return person_register(
        name="李明",
        id_number=ID_NUMBER,
        scheme="310",
        region=PoolingRegion.objects.get(code="320500"),
        phone="13812341234",
        operator=zhang_san,
    )
