"""Generated families: persons with valid ID numbers, accounts of the employees among
them, and sharing agreements between relatives.

A family lives in one pooling region of the home province (most) or of a few other
provinces; a grandparent lives in the same region, elsewhere in the province or in
another province, which gives the three scopes. Birth dates follow the family (a
wife within a few years of her husband, children born when she was 22–38,
grandparents a generation older); the ID number carries the birth date and the
gender, its division code one of the region's counties.
"""

import datetime as dt
from dataclasses import dataclass, field

from stdnum import numdb

from accounts.models import Relationship, Scope
from core.idnumbers import compose_id_number

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文辉玲斌宇浩凯欣怡子涵梓轩雨桐一诺思远晨阳佳琪俊杰志强海燕红梅春生立新德明淑珍"  # noqa: E501


@dataclass
class Person:
    """One generated person; ``index`` + 1 is the row id."""

    index: int
    name: str
    birth: dt.date
    male: bool
    region: str
    employee: bool = False
    account: int | None = None  # account id
    id_number: str = ""


@dataclass
class Agreement:
    id: int
    grantor: Person
    beneficiary: Person
    relationship: str
    scope: str
    status: str
    effective_from: dt.date
    ended_on: dt.date | None = None
    payments: list = field(default_factory=list)


class Regions:
    """The home province's pooling regions and a few elsewhere, with county codes
    (known division codes, so the ID numbers pass ``normalize_id_number``)."""

    def __init__(self, rows, home: str, others: tuple[str, ...]):
        self.province = {code: province for code, province in rows}
        self.home = [code for code, province in rows if province == home]
        self.elsewhere = [code for code, province in rows if province in others]
        self.counties = {code: _counties(code) for code in self.home + self.elsewhere}

    def scope(self, a: str, b: str) -> str:
        if a == b:
            return Scope.SAME_REGION
        if self.province[a] == self.province[b]:
            return Scope.CROSS_REGION
        return Scope.CROSS_PROVINCE

    def family_home(self, rng) -> str:
        return rng.choice(self.home) if rng.random() < 0.92 else rng.choice(self.elsewhere)

    def near(self, rng, region: str) -> str:
        """Where a relative lives: mostly the same region, else in or out of the province."""
        r = rng.random()
        if r < 0.7:
            return region
        if r < 0.9:
            return rng.choice(self.home)
        return rng.choice(self.elsewhere)


def _counties(region: str) -> list[str]:
    """Division codes of counties under a region code (the region's own if none)."""
    table = numdb.get("cn/loc")
    found = [
        f"{region[:4]}{n:02d}"
        for n in range(1, 30)
        if len(parts := table.info(f"{region[:4]}{n:02d}")) == 2 and parts[1][1]
    ]
    return found or [region]


class Population:
    """Builds the families of ``size`` persons, paced so that about ``accounts`` of
    them are employees with accounts and about ``agreements`` agreements exist."""

    def __init__(self, rng, regions: Regions, size: int, accounts: int, agreements: int, today):
        self.rng, self.regions, self.size, self.today = rng, regions, size, today
        self.account_share, self.agreement_share = accounts / size, agreements / size
        self.persons: list[Person] = []
        self.agreements: list[Agreement] = []
        self.accounts: list[Person] = []
        self.numbers: set[str] = set()

    def build(self):
        previous_head = None
        while len(self.persons) < self.size:
            previous_head = self._family(previous_head)
        del self.persons[self.size :]
        self.agreements = [
            a for a in self.agreements if max(a.grantor.index, a.beneficiary.index) < self.size
        ]
        for number, agreement in enumerate(self.agreements, 1):
            agreement.id = number
        self.accounts = [p for p in self.accounts if p.index < self.size]
        return self

    def _person(self, name, birth, male, region) -> Person:
        rng = self.rng
        birth = min(birth, self.today - dt.timedelta(days=30))
        person = Person(len(self.persons), name, birth, male, region)
        county = rng.choice(self.regions.counties[region])
        while True:
            order = rng.randrange(0, 500) * 2 + (1 if male else 0)
            number = compose_id_number(county, birth, order % 1000)
            if number not in self.numbers:
                break
        self.numbers.add(number)
        person.id_number = number
        self.persons.append(person)
        age = (self.today - birth).days // 365
        behind = len(self.accounts) < self.account_share * len(self.persons)
        if 20 <= age and rng.random() < (0.85 if behind else 0.15):
            person.employee = True
            person.account = len(self.accounts) + 1
            self.accounts.append(person)
        return person

    def _name(self, surname):
        rng = self.rng
        return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def _family(self, previous_head):
        rng, today = self.rng, self.today
        region = self.regions.family_home(rng)
        surname = rng.choice(SURNAMES)
        head_birth = dt.date(rng.randint(1950, 1998), rng.randint(1, 12), rng.randint(1, 28))
        head = self._person(self._name(surname), head_birth, True, region)
        wife_birth = head_birth + dt.timedelta(days=rng.randint(-4 * 365, 4 * 365))
        wife = self._person(self._name(rng.choice(SURNAMES)), wife_birth, False, region)
        pairs = [(head, wife, Relationship.SPOUSE), (wife, head, Relationship.SPOUSE)]
        for _ in range(rng.choices((0, 1, 2), (25, 45, 30))[0]):
            born = wife_birth + dt.timedelta(days=rng.randint(22 * 365, 38 * 365))
            if born < today:
                child = self._person(self._name(surname), born, rng.random() < 0.5, region)
                pairs += [(head, child, Relationship.CHILD), (wife, child, Relationship.CHILD)]
                if child.employee:
                    pairs.append((child, head, Relationship.PARENT))
        for parent_of, kinds, odds in (
            (head, (Relationship.PATERNAL_GRANDCHILD,), 0.3),
            (wife, (Relationship.MATERNAL_GRANDCHILD,), 0.2),
        ):
            if rng.random() < odds:
                birth = parent_of.birth - dt.timedelta(days=rng.randint(24 * 365, 34 * 365))
                elder = self._person(
                    self._name(surname if parent_of is head else rng.choice(SURNAMES)),
                    birth,
                    rng.random() < 0.5,
                    self.regions.near(rng, region),
                )
                pairs.append((parent_of, elder, Relationship.PARENT))
                children = [b for a, b, r in pairs if a is head and r == Relationship.CHILD]
                pairs += [(elder, child, kinds[0]) for child in children]
        if previous_head is not None:
            pairs.append((head, previous_head, Relationship.SIBLING))
        for grantor, beneficiary, relationship in pairs:
            self._maybe_agreement(grantor, beneficiary, relationship)
        return head

    def _maybe_agreement(self, grantor, beneficiary, relationship):
        if not grantor.employee:
            return
        rng = self.rng
        behind = len(self.agreements) < self.agreement_share * len(self.persons)
        if rng.random() >= (0.9 if behind else 0.1):
            return
        scope = self.regions.scope(grantor.region, beneficiary.region)
        extension = relationship not in (
            Relationship.SPOUSE,
            Relationship.PARENT,
            Relationship.CHILD,
        )
        # After the policy parts' dates of the sample policy (2024 to mid-2025).
        earliest = dt.date(2025, 7, 1) if extension or scope == Scope.CROSS_PROVINCE else None
        earliest = earliest or dt.date(2024, 1, 1)
        latest = self.today - dt.timedelta(days=20)
        effective = earliest + dt.timedelta(days=rng.randrange(max(1, (latest - earliest).days)))
        r = rng.random()
        status = (
            "approved"
            if r < 0.88
            else "ended"
            if r < 0.93
            else "pending"
            if r < 0.97
            else ("rejected")
        )
        ended = None
        if status == "ended":
            ended = effective + dt.timedelta(days=rng.randint(1, max(1, (latest - effective).days)))
        self.agreements.append(
            Agreement(
                len(self.agreements) + 1,
                grantor,
                beneficiary,
                relationship,
                scope,
                status,
                effective,
                ended,
            )
        )
