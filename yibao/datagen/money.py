"""Generated money: monthly credits, sharing payments of every use and status with
their reversals, wallet transfers (accepted, returned at the cut-off, pending) and
wallet spending, each as the services would have posted it.

Each account's events are put in booking order and walked once, keeping its
running balance, so every entry's ``sequence`` and ``balance_after`` follow from
the one before and the account's balance is the last of them (``verify_ledger``).
A payment the balance cannot cover is not made. Amounts are integer fen here.
"""

import datetime as dt
import heapq
from dataclasses import dataclass

from accounts.models import EntryKind, Use

DAY = 86400
TZ = "+08"


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


class Clock:
    """Times as seconds since ``base`` (local midnight), written as local timestamps."""

    def __init__(self, base: dt.date, today: dt.date):
        self.base = base
        days = (today - base).days + 400
        self.days = [(base + dt.timedelta(days=d)).isoformat() for d in range(days)]
        self.now = (today - base).days * DAY

    def at(self, day: dt.date, seconds: int = 0) -> int:
        return (day - self.base).days * DAY + seconds

    def stamp(self, t: int) -> str:
        d, s = divmod(t, DAY)
        return f"{self.days[d]} {s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}{TZ}"

    def date(self, t: int) -> str:
        return self.days[t // DAY]

    def compact(self, t: int) -> str:
        return self.days[t // DAY].replace("-", "")


@dataclass
class Transfer:
    id: int
    number: str
    t: int
    agreement: object
    wallet: int
    amount: int
    status: str
    accepted_at: int | None
    returned_at: int | None
    account_entry: int
    return_account_entry: int | None = None
    wallet_entry: int | None = None
    return_wallet_entry: int | None = None
    unspent: int = 0


USES = (Use.MEDICAL, Use.PHARMACY, Use.RESIDENT_CONTRIBUTION, Use.LTC_CONTRIBUTION)
USE_WEIGHTS = (55, 35, 7, 3)


class Ledger:
    """Walks every account, then every wallet, writing entries and the records beside them."""

    def __init__(self, rng, clock, regions, region_names, months, clerk, reviewer, sizes):
        self.rng, self.clock, self.regions, self.months = rng, clock, regions, months
        self.region_names = region_names
        self.clerk, self.reviewer = clerk, reviewer
        self.sizes = sizes  # payments and transfers wanted
        self.entry_id = self.payment_id = self.reversal_id = 0
        self.balances: dict[int, int] = {}
        self.transfers: list[Transfer] = []
        self.wallets: dict[int, int] = {}  # person index -> wallet id
        self.wallet_events: dict[int, list] = {}
        self.reversals: list[tuple] = []
        self.wallet_balances: dict[int, int] = {}
        # The last entry's sequence of each account and wallet (their last_sequence).
        self.account_sequences: dict[int, int] = {}
        self.wallet_sequences: dict[int, int] = {}
        self.spendings = self.pushed = 0

    # -- entries ---------------------------------------------------------------------

    def _entry(
        self,
        out,
        holder,
        sequence,
        kind,
        fen,
        after,
        key,
        *,
        t,
        occurred=None,
        value=None,
        reference="",
        counterpart=None,
        use="",
        scope="",
        inst=("", ""),
        reverses=None,
        memo="",
        wallet=False,
    ):
        self.entry_id += 1
        (self.wallet_sequences if wallet else self.account_sequences)[holder] = sequence
        clock = self.clock
        stamp = clock.stamp(t)
        happened = stamp if occurred is None else clock.stamp(occurred)
        value = value or (clock.date(t) if occurred is None else clock.date(occurred))
        n = "\\N"
        # One line of load.COLUMNS["accounts_ledgerentry"], written out: this runs
        # ten million times at the 1M size.
        out.write_line(
            f"{self.entry_id}\t{n if wallet else holder}\t{holder if wallet else n}\t{sequence}"
            f"\t{kind}\t{yuan(fen)}\t{yuan(after)}\t{key}\t{reference}"
            f"\t{n if counterpart is None else counterpart}\t{use}\t{scope}\t{inst[0]}"
            f"\t{inst[1]}\t{n if reverses is None else reverses}\t{memo}\t{happened}\t{value}"
            f"\t{stamp}\t{self.clerk}\n"
        )
        return self.entry_id

    def institution(self, region: str, use: str):
        n = self.rng.randint(1, 40)
        name = self.region_names[region]
        if use == Use.PHARMACY:
            return f"P{region}{n:05d}", f"{name}第{n}大药房"
        return f"H{region}{n:05d}", f"{name}第{n}人民医院"

    # -- accounts --------------------------------------------------------------------

    def accounts(self, population, out, payments):
        """Every account's ledger in booking order; payments to the ``payments`` spool."""
        by_grantor: dict[int, list] = {}
        for agreement in population.agreements:
            if agreement.status in ("approved", "ended"):
                by_grantor.setdefault(agreement.grantor.index, []).append(agreement)
        active = sum(len(v) for v in by_grantor.values()) or 1
        per_agreement = self.sizes["payments"] / active
        transfer_odds = self.sizes["transfers"] / active
        for number, person in enumerate(population.accounts):
            heavy = number == 0  # the statement benchmark's account: 2,000 entries a year
            events = self._account_events(
                person, by_grantor.get(person.index, []), per_agreement, transfer_odds, heavy
            )
            self.balances[person.account] = self._walk(person, events, out, payments, heavy)

    def _account_events(self, person, agreements, per_agreement, transfer_odds, heavy):
        rng, clock = self.rng, self.clock
        events = []
        credit = 500_000 if heavy else None
        for month in self.months:
            t = clock.at(month, 2 * 3600 + rng.randrange(4 * 3600))
            fen = credit or rng.randint(150, 650) * 100 + rng.randrange(100)
            events.append((t, 0, len(events), "credit", (fen, month)))
        year_ago = clock.now - 365 * DAY
        wallet_from = clock.at(dt.date(2025, 7, 1))
        for agreement in agreements:
            lo = max(clock.at(agreement.effective_from), clock.at(self.months[0]) + DAY)
            hi = clock.at(agreement.ended_on) if agreement.ended_on else clock.now - 60
            if heavy:
                lo, count = max(lo, year_ago), 2000 // len(agreements) + 1
            else:
                count = rng.randint(0, int(2 * per_agreement))
            if hi <= lo:
                continue
            for _ in range(count):
                events.append((rng.randrange(lo, hi), 1, len(events), "pay", agreement))
            if rng.random() < transfer_odds and hi > max(lo, wallet_from):
                t = rng.randrange(max(lo, wallet_from), hi)
                events.append((t, 1, len(events), "transfer", agreement))
        heapq.heapify(events)
        return events

    def _walk(self, person, events, out, payments, heavy):
        rng = self.rng
        account, balance, sequence = person.account, 0, 0
        while events:
            t, _order, _n, what, data = heapq.heappop(events)
            if what == "credit":
                fen, month = data
                sequence += 1
                balance += fen
                batch = f"{month:%Y-%m}-{person.region}-01"
                self._entry(
                    out,
                    account,
                    sequence,
                    EntryKind.CREDIT,
                    fen,
                    balance,
                    f"credit:{batch}:{person.id_number}",
                    t=t,
                    value=month.isoformat(),
                    reference=batch,
                    memo=f"{month.year}年{month.month}月划入",
                )
            elif what == "pay":
                result = self._payment(
                    person, data, t, balance, sequence, out, payments, events, heavy
                )
                balance, sequence = result
            elif what == "reverse":
                payment_id, entry, fen, agreement, sid, inst, use = data
                sequence += 1
                balance += fen
                reversal_entry = self._entry(
                    out,
                    account,
                    sequence,
                    EntryKind.REVERSAL,
                    fen,
                    balance,
                    f"reversal:{sid}",
                    t=t,
                    reference=sid,
                    counterpart=agreement.beneficiary.index + 1,
                    use=use,
                    scope=agreement.scope,
                    inst=inst,
                    reverses=entry,
                    memo="结算撤销",
                )
                parties = (person.index + 1, agreement.beneficiary.index + 1)
                self._reversal(payment_id, parties, t, "approved", reversal_entry)
            elif what == "transfer":
                fen = rng.randint(100, 2000) * 100
                if fen > balance:
                    continue
                sequence += 1
                balance -= fen
                self._transfer(person, data, t, fen, balance, sequence, out, events)
            elif what == "undo":
                transfer = data
                sequence += 1
                balance += transfer.amount
                transfer.return_account_entry = self._entry(
                    out,
                    account,
                    sequence,
                    EntryKind.REVERSAL,
                    transfer.amount,
                    balance,
                    f"wallet-return:{transfer.number}:account",
                    t=t,
                    reference=transfer.number,
                    counterpart=transfer.agreement.beneficiary.index + 1,
                    reverses=transfer.account_entry,
                    memo="未在截止时间前接收",
                )
        return balance

    def _push(self, events, t, order, what, data):
        self.pushed += 1
        heapq.heappush(events, (t, order, -self.pushed, what, data))

    def _payment(self, person, agreement, t, balance, sequence, out, payments, events, heavy):
        rng, clock = self.rng, self.clock
        use = rng.choices(USES, USE_WEIGHTS)[0]
        fen = rng.randint(2000, 80000) if use != Use.LTC_CONTRIBUTION else 30000
        if heavy:
            fen = rng.randint(500, 4000)
        r = rng.random()
        status = "posted"
        if r < 0.004 and agreement.status == "approved":
            status, fen = "held", rng.randint(5000, 9000) * 100
            t = max(t, clock.now - 14 * DAY)
        elif r < 0.008:
            status = "rejected"
        elif r < 0.018:
            status = "reversed"
        if status in ("posted", "reversed") and fen > balance:
            fen = balance // 2
            if fen < 100:
                return balance, sequence
        self.payment_id += 1
        sid = f"JS{clock.compact(t)}{self.payment_id:012d}"
        beneficiary = agreement.beneficiary
        inst = self.institution(beneficiary.region, use)
        entry = None
        settled = t - rng.randint(60, 3600)
        if status in ("posted", "reversed"):
            sequence += 1
            balance -= fen
            entry = self._entry(
                out,
                person.account,
                sequence,
                EntryKind.SHARING_PAYMENT,
                -fen,
                balance,
                f"settlement:{sid}",
                t=t,
                occurred=settled,
                reference=sid,
                counterpart=beneficiary.index + 1,
                use=use,
                scope=agreement.scope,
                inst=inst,
            )
            later = t + rng.randint(DAY, 10 * DAY)
            if status == "reversed":
                if later < clock.now:
                    self._push(
                        events,
                        later,
                        2,
                        "reverse",
                        (self.payment_id, entry, fen, agreement, sid, inst, use),
                    )
                else:
                    status = "posted"
            elif r < 0.022 and later < clock.now:
                parties = (person.index + 1, beneficiary.index + 1)
                self._reversal(self.payment_id, parties, later, "requested", None)
        reviewed = t + DAY if status == "rejected" else None
        payments.write(
            "\t".join(
                str(v) if v is not None else "\\N"
                for v in (
                    self.payment_id,
                    sid,
                    clock.stamp(settled),
                    inst[0],
                    inst[1],
                    use,
                    yuan(fen),
                    entry,
                    "",
                    clock.stamp(t),
                    self.clerk,
                    clock.stamp(reviewed) if reviewed else None,
                    self.reviewer if reviewed else None,
                    person.index + 1,
                    beneficiary.index + 1,
                    person.account,
                    agreement.id,
                    agreement.scope,
                    person.region,
                    status,
                    "{amount}" if status == "held" else "{}",
                    "材料与结算不符" if status == "rejected" else "",
                )
            )
            + "\n"
        )
        return balance, sequence

    def _reversal(self, payment_id, parties, t, status, entry):
        self.reversal_id += 1
        approved = status == "approved"
        self.reversals.append(
            (
                self.reversal_id,
                payment_id,
                *parties,
                "医院退费",
                status,
                self.clock.stamp(t - 3600),
                self.clerk,
                self.clock.stamp(t) if approved else None,
                self.reviewer if approved else None,
                "",
                entry,
            )
        )

    def _transfer(self, person, agreement, t, fen, balance, sequence, out, events):
        rng, clock = self.rng, self.clock
        beneficiary = agreement.beneficiary
        wallet = self.wallets.setdefault(beneficiary.index, len(self.wallets) + 1)
        number = f"ZZ{clock.compact(t)}{len(self.transfers) + 1:010d}"
        entry = self._entry(
            out,
            person.account,
            sequence,
            EntryKind.WALLET_TRANSFER_OUT,
            -fen,
            balance,
            f"wallet-transfer:{number}:out",
            t=t,
            reference=number,
            counterpart=beneficiary.index + 1,
            scope=agreement.scope,
        )
        cut_off = clock.at(dt.date.fromisoformat(clock.date(t)) + dt.timedelta(days=1), 6 * 3600)
        status, accepted, returned = "accepted", t + rng.randint(600, 10 * 3600), None
        if cut_off >= clock.now:
            status, accepted = "pending", None
        elif rng.random() < 0.1:
            status, accepted, returned = "returned", None, cut_off
        transfer = Transfer(
            len(self.transfers) + 1,
            number,
            t,
            agreement,
            wallet,
            fen,
            status,
            accepted,
            returned,
            entry,
        )
        if returned:
            self._push(events, cut_off, 2, "undo", transfer)
        self.transfers.append(transfer)
        self.wallet_events.setdefault(wallet, [])
        if accepted and rng.random() < 0.5:
            spend = accepted + rng.randint(DAY, 30 * DAY)
            if spend < clock.now:
                self.wallet_events[wallet].append(
                    (spend, 3, "spend", int(fen * rng.uniform(0.2, 1)))
                )

    # -- wallets ---------------------------------------------------------------------

    def wallets_walk(self, persons, out, spendings):
        """Every wallet's ledger: transfers in, their returns, spending oldest money first."""
        clock, rng = self.clock, self.rng
        person_of = {wallet: person for person, wallet in self.wallets.items()}
        for transfer in self.transfers:
            events = self.wallet_events[transfer.wallet]
            events.append((transfer.t, 0, "in", transfer))
            if transfer.accepted_at:
                events.append((transfer.accepted_at, 1, "accept", transfer))
            if transfer.returned_at:
                events.append((transfer.returned_at, 2, "undo", transfer))
        for wallet, events in self.wallet_events.items():
            balance, sequence, spendable = 0, 0, []
            region = persons[person_of[wallet]].region
            for t, _order, what, data in sorted(events, key=lambda e: (e[0], e[1])):
                if what == "in":
                    sequence += 1
                    balance += data.amount
                    data.unspent = data.amount
                    data.wallet_entry = self._entry(
                        out,
                        wallet,
                        sequence,
                        EntryKind.WALLET_TRANSFER_IN,
                        data.amount,
                        balance,
                        f"wallet-transfer:{data.number}:in",
                        t=data.t,
                        reference=data.number,
                        counterpart=data.agreement.grantor.index + 1,
                        scope=data.agreement.scope,
                        wallet=True,
                    )
                elif what == "accept":
                    spendable.append(data)
                elif what == "undo":
                    sequence += 1
                    balance -= data.amount
                    data.unspent = 0
                    data.return_wallet_entry = self._entry(
                        out,
                        wallet,
                        sequence,
                        EntryKind.REVERSAL,
                        -data.amount,
                        balance,
                        f"wallet-return:{data.number}:wallet",
                        t=t,
                        reference=data.number,
                        counterpart=data.agreement.grantor.index + 1,
                        reverses=data.wallet_entry,
                        memo="未在截止时间前接收",
                        wallet=True,
                    )
                else:
                    fen = min(data, sum(s.unspent for s in spendable))
                    if fen <= 0:
                        continue
                    use = rng.choice((Use.MEDICAL, Use.PHARMACY))
                    inst = self.institution(region, use)
                    self.spendings += 1
                    sid = f"QB{clock.compact(t)}{self.spendings:012d}"
                    sequence += 1
                    balance -= fen
                    entry = self._entry(
                        out,
                        wallet,
                        sequence,
                        EntryKind.WALLET_SPENDING,
                        -fen,
                        balance,
                        f"settlement:{sid}",
                        t=t,
                        occurred=t - 600,
                        reference=sid,
                        use=use,
                        inst=inst,
                        wallet=True,
                    )
                    left = fen
                    for source in spendable:
                        take = min(source.unspent, left)
                        source.unspent -= take
                        left -= take
                    spendable = [s for s in spendable if s.unspent]
                    spendings.append(
                        (
                            self.spendings,
                            sid,
                            clock.stamp(t - 600),
                            inst[0],
                            inst[1],
                            use,
                            yuan(fen),
                            entry,
                            "",
                            clock.stamp(t),
                            self.clerk,
                            wallet,
                            "posted",
                            "{}",
                            "",
                            "[]",
                        )
                    )
            self.wallet_balances[wallet] = balance

    def transfer_rows(self):
        clock = self.clock
        for tr in self.transfers:
            a = tr.agreement
            due = (dt.date.fromisoformat(clock.date(tr.t)) + dt.timedelta(days=1)).isoformat()
            yield (
                tr.id,
                tr.number,
                clock.stamp(tr.t),
                a.grantor.index + 1,
                a.beneficiary.index + 1,
                a.grantor.account,
                tr.wallet,
                a.id,
                yuan(tr.amount),
                yuan(tr.unspent),
                a.scope,
                a.grantor.region,
                tr.status,
                f"{due} 06:00:00{TZ}",
                clock.stamp(tr.accepted_at) if tr.accepted_at else None,
                None,
                clock.stamp(tr.returned_at) if tr.returned_at else None,
                yuan(tr.amount) if tr.returned_at else None,
                "cut_off" if tr.returned_at else "",
                tr.account_entry,
                tr.wallet_entry,
                tr.return_wallet_entry,
                tr.return_account_entry,
                clock.stamp(tr.t),
                self.clerk,
            )
