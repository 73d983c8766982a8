"""What the admin's lists and the person page render cheaper (docs/BENCHMARKS.md,
"Pages, this session") is what Django renders: a row's checkbox is the widget's
HTML, a row's link ``reverse``'s URL, a big list's rows (``core.admin.rows``) the
cells of Django's ``items_for_result``; the person page's latest payments are the
newest of both sides, counted here by hand; its scope asked once a page."""

import datetime as dt
import re
from decimal import Decimal
from types import MethodType

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.contrib.admin.utils import display_for_field, quote
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html

from accounts.models import InsuredPerson, PoolingRegion, Scheme
from accounts.tests.factories import credit, make_agreement, make_person
from core.admin.lists import BigListMixin
from core.admin.records import record_url
from core.admin.rows import _field_text, big_result_list
from transfers.tests.factories import receive


class _Plain(admin.ModelAdmin):
    pass


class _Big(BigListMixin, admin.ModelAdmin):
    pass


def test_oracle_a_rows_checkbox_is_the_html_of_djangos_widget():
    person = InsuredPerson(pk=7, name="李<明>", id_number="320502198001011234")
    site = admin.AdminSite()
    djangos = _Plain(InsuredPerson, site).action_checkbox(person)
    assert _Big(InsuredPerson, site).action_checkbox(person) == djangos
    assert 'value="7"' in djangos and "李&lt;明&gt;" in djangos  # escaped once


@pytest.mark.parametrize(
    "name, key",
    [
        ("admin:transfers_reversal_receipt", 5),
        ("admin:accounts_ledgerentry_change", quote(1234567)),
        ("admin:accounts_poolingregion_change", quote("32/05_x y")),
    ],
)
def test_oracle_a_rows_link_is_the_url_reverse_gives(name, key):
    assert record_url(name, key, current_app="admin") == reverse(
        name, args=[key], current_app="admin"
    )


def _at(day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 3, day, 9, 30))


@pytest.mark.django_db
def test_oracle_person_page_shows_the_newest_payments_of_both_sides(client, clerk):
    """李明 pays for his son on March 1–8 and is paid for by his father on March
    9–12 (the father's account pays): his page's ten newest are March 12 back to
    March 3; the son's, his eight."""
    li = make_person(name="李明", region="320500")
    father = make_person(name="李老", region="320500", birth=dt.date(1960, 5, 1))
    son = make_person(
        name="李小明", region="320500", scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1)
    )
    credit(li.account, "900.00")
    credit(father.account, "900.00")
    make_agreement(li, son)
    make_agreement(father, li)
    for day in range(1, 9):
        receive(li, son, "10.00", operator=None, sid=f"S{day:02}", settled_at=_at(day))
    for day in range(9, 13):
        receive(father, li, "10.00", operator=None, sid=f"S{day:02}", settled_at=_at(day))
    client.force_login(clerk)

    def shown(person):
        page = client.get(f"/admin/accounts/insuredperson/{person.pk}/change/")
        return re.findall(r">(S\d\d)</a>", page.content.decode())

    assert shown(li) == [f"S{day:02}" for day in range(12, 2, -1)]
    assert shown(son) == [f"S{day:02}" for day in range(8, 0, -1)]


@pytest.mark.django_db
def test_person_page_asks_the_clerks_scope_of_the_person_once(client, clerk, li_ming):
    client.force_login(clerk)
    url = f"/admin/accounts/insuredperson/{li_ming.pk}/change/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    asked = [
        q for q in captured if q["sql"].startswith('SELECT 1 AS "a" FROM "accounts_insuredperson"')
    ]
    assert len(asked) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/ledgerentry/?q={account}",
        "/admin/accounts/insuredperson/?q=李",
        "/admin/transfers/sharingpayment/?q=JS-1",
        "/admin/accounts/ledgerentry/",
        "/admin/accounts/ledgerentry/?p=2",
        "/admin/accounts/ledgerentry/?kind=credit&o=5",
        "/admin/transfers/sharingpayment/",
        "/admin/transfers/sharingpayment/?p=2",
        "/admin/accounts/sharingagreement/",
        "/admin/accounts/personalaccount/",
    ],
)
def test_oracle_a_big_lists_page_is_the_one_django_renders(client, clerk, monkeypatch, url):
    """The same page with Django's own ChangeList, paginator and row checkbox: the
    same HTML (but the form's token), links and their carried filters included;
    two rows a page, so that the lists have pages."""
    li = make_person(name="李明", region="320500")
    son = make_person(
        name="李小明", region="320500", scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1)
    )
    credit(li.account, "900.00")
    make_agreement(li, son)
    for n in range(5):
        receive(li, son, "10.00", operator=None, sid=f"JS-{n}")
    client.force_login(clerk)
    url = url.format(account=li.account.number)
    model_admin = resolve(url.split("?")[0]).func.model_admin
    monkeypatch.setattr(model_admin, "list_per_page", 2)

    def page():
        html = client.get(url).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    ours = page()
    monkeypatch.setattr(model_admin, "get_changelist", lambda request, **kwargs: ChangeList)
    monkeypatch.setattr(model_admin, "paginator", Paginator)
    monkeypatch.setattr(
        model_admin, "action_checkbox", MethodType(admin.ModelAdmin.action_checkbox, model_admin)
    )
    assert page() == ours
    assert "</a></th>" in ours  # rows, each with its link
    assert ("/change/?_changelist_filters=" in ours) == ("?" in url)


class _Regions(BigListMixin, admin.ModelAdmin):
    """Columns of every kind Django writes differently: booleans (a field's and a
    method's), a nullable number, times, a decimal, a key, a method's date, an empty
    text, a method's text with markup and one's safe HTML, a plain callable and one
    of the model's attributes (Django's cells)."""

    list_display = [
        "code",
        "name",
        "wallet_enabled",
        "share_prior_years_only",
        "beneficiary_cap",
        "wallet_transfer_limit",
        "wallet_quiet_from",
        "province",
        "sample",
        "some_day",
        "nothing",
        "label",
        "badge",
        lambda region: region.code[:2],
    ]
    list_per_page = 1000  # every region: 苏州 too

    @admin.display(boolean=True, description="sample")
    def sample(self, obj):
        return obj.code.endswith("00")

    @admin.display(description="day")
    def some_day(self, obj):
        return dt.date(2026, 1, 2) if obj.code.endswith("00") else None

    @admin.display(description="nothing", empty_value="（空）")
    def nothing(self, obj):
        return " "

    @admin.display(description="label")
    def label(self, obj):
        return f"{obj.name} <{obj.code}> & co" if obj.code.endswith("00") else ""

    @admin.display(description="badge")
    def badge(self, obj):
        return format_html("<b>{}</b>", obj.name)


def _rows(model_admin, rf, user, query=""):
    request = rf.get(f"/admin/accounts/poolingregion/{query}")
    request.user = user
    request.resolver_match = resolve("/admin/accounts/poolingregion/")  # filters carried
    cl = model_admin.get_changelist_instance(request)
    ours = [result[0] for result in big_result_list(cl)["results"]]
    djangos = ["".join(items_for_result(cl, result, None)) for result in cl.result_list]
    return ours, djangos


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?o=-2.1"])
def test_oracle_a_big_lists_rows_are_djangos_cells(rf, admin_user, query):
    PoolingRegion.objects.filter(code="320500").update(wallet_enabled=False, name="苏州<市>")
    model_admin = _Regions(PoolingRegion, admin.site)
    ours, djangos = _rows(model_admin, rf, admin_user, query)
    assert ours == djangos and len(ours) > 1
    assert 'alt="False"' in "".join(ours) and "苏州&lt;市&gt;" in "".join(ours)
    assert "（空）" in ours[0]
    assert ("?_changelist_filters=" in ours[0]) == bool(query)


@pytest.mark.django_db
def test_oracle_a_model_attribute_column_falls_back_to_djangos_cells(rf, admin_user):
    model_admin = _Regions(PoolingRegion, admin.site)
    model_admin.list_display = ["code", "__str__", "province__name"]
    ours, djangos = _rows(model_admin, rf, admin_user)
    assert ours == djangos and len(ours) > 1


_MOMENTS = [
    None,
    timezone.make_aware(dt.datetime(2025, 12, 31, 16, 5, 9), dt.UTC),  # 1 January here
    dt.datetime(2026, 1, 2, 3, 4),  # naive: as it is
]
_FIELDS = [
    (models.DateTimeField(), _MOMENTS),
    (models.DateField(), [None, dt.date(2026, 1, 2), dt.date(999, 12, 31)]),
    (models.TimeField(), [None, dt.time(0, 5), dt.time(23, 59, 59)]),
    (
        models.DecimalField(max_digits=14, decimal_places=2),
        [None, Decimal("-70.52"), Decimal("123456789.05"), Decimal("5"), Decimal("1E+2")]
        + [Decimal("0.00"), Decimal("-0.00"), Decimal("0.004"), Decimal("1.239"), 7, 2.5],
    ),
    (models.DecimalField(max_digits=6, decimal_places=0), [Decimal("12"), Decimal("-3")]),
    (models.CharField(max_length=20), [None, "", '苏州<市> & "co"', "x'y", 5]),
    (models.TextField(), ["一\n二 <br>"]),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])  # en: "N j, Y, P", "1,234.05"
@pytest.mark.parametrize("thousands", [False, True])
@pytest.mark.parametrize("field, values", _FIELDS)
def test_oracle_a_big_lists_cell_texts_are_djangos(settings, language, thousands, field, values):
    """Each field's text of a big list's cell (``_field_text``, the language's formats
    looked up once a page) is Django's ``display_for_field`` escaped, with the
    thousands grouping on and off, in our formats and in formats of names and
    escapes (English)."""
    settings.USE_THOUSAND_SEPARATOR = thousands
    with translation.override(language):
        text = _field_text(field, "（空）")
        for value in values:
            assert text(value) == conditional_escape(display_for_field(value, field, "（空）"))
