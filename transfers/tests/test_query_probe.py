from django.db import connection
from django.test.utils import CaptureQueriesContext
from transfers.tests.factories import receive

def test_probe(li_ming, li_xiaoming, son_agreement, clerk):
    receive(li_ming, li_xiaoming, "10.00", operator=clerk, sid="JS0")
    with CaptureQueriesContext(connection) as ctx:
        receive(li_ming, li_xiaoming, "10.00", operator=clerk, sid="JS1")
    for q in ctx.captured_queries:
        print(q["sql"][:300])
    print(len(ctx.captured_queries))
    assert 0
