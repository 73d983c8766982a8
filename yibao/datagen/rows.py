"""The rows of persons, enrolment periods, agreements, accounts and wallets, in the
column order of ``load.COLUMNS`` (one function per table, the place to extend)."""

from accounts.models import EvidenceType, PersonCategory, Scheme

from .load import copy_into
from .money import yuan


def _category(person, today):
    age = (today - person.birth).days // 365
    if person.employee:
        return PersonCategory.RETIRED if age >= 60 else PersonCategory.EMPLOYED
    if age < 3:
        return PersonCategory.INFANT
    if age < 7:
        return PersonCategory.PRESCHOOL
    if age < 18:
        return PersonCategory.PUPIL
    return PersonCategory.RESIDENT


def persons(cursor, population, clock, clerk):
    """Persons and one open enrolment period each (since the 参保日期)."""
    created = clock.stamp(0)
    today = population.today
    with copy_into(cursor, "accounts_insuredperson") as out:
        for p in population.persons:
            scheme = Scheme.EMPLOYEE if p.employee else Scheme.RESIDENT
            enrolled = max(p.birth, clock.base.replace(year=2010)).isoformat()
            phone = f"13{p.index % 10}{p.index:08d}"[:11]
            out.write(
                (
                    p.index + 1,
                    p.name,
                    p.id_number,
                    p.birth.isoformat(),
                    "M" if p.male else "F",
                    scheme,
                    _category(p, today),
                    "active",
                    phone,
                    enrolled,
                    created,
                    created,
                    clerk,
                    p.region,
                )
            )
    with copy_into(cursor, "accounts_enrolmentperiod") as out:
        for p in population.persons:
            scheme = Scheme.EMPLOYEE if p.employee else Scheme.RESIDENT
            enrolled = max(p.birth, clock.base.replace(year=2010)).isoformat()
            out.write((p.index + 1, p.index + 1, "active", scheme, p.region, enrolled, None))


_EVIDENCE = {
    "spouse": EvidenceType.MARRIAGE_CERTIFICATE,
    "child": EvidenceType.BIRTH_CERTIFICATE,
    "parent": EvidenceType.HOUSEHOLD_REGISTER,
}


def agreements(cursor, population, clock, clerk, reviewer):
    with copy_into(cursor, "accounts_sharingagreement") as out:
        for a in population.agreements:
            registered = clock.at(a.effective_from) - 3 * 86400 + 9 * 3600
            decided = a.status != "pending"
            ended = a.status == "ended"
            out.write(
                (
                    a.id,
                    a.grantor.index + 1,
                    a.beneficiary.index + 1,
                    a.relationship,
                    a.scope,
                    _EVIDENCE.get(a.relationship, EvidenceType.KINSHIP_CERTIFICATE),
                    f"ZM{a.id:08d}",
                    "",
                    "t",
                    a.effective_from.isoformat(),
                    a.status,
                    clock.stamp(registered),
                    clerk,
                    clock.stamp(registered + 3600) if decided else None,
                    reviewer if decided else None,
                    "证明材料不全" if a.status == "rejected" else "",
                    a.ended_on.isoformat() if ended else None,
                    "grantor_request" if ended else "",
                    "",
                    reviewer if ended else None,
                )
            )


def holders(cursor, population, ledger, clock, clerk):
    """Accounts and wallets, with the balances their ledgers ended on."""
    opened = clock.stamp(0)
    with copy_into(cursor, "accounts_personalaccount") as out:
        for p in population.accounts:
            balance = ledger.balances.get(p.account, 0)
            out.write(
                (
                    p.account,
                    f"{p.region}{p.account:010d}",
                    p.index + 1,
                    yuan(balance),
                    "open",
                    "",
                    opened,
                    clerk,
                    ledger.account_sequences.get(p.account, 0),
                )
            )
    with copy_into(cursor, "accounts_wallet") as out:
        for person, wallet in ledger.wallets.items():
            balance = yuan(ledger.wallet_balances.get(wallet, 0))
            out.write((wallet, person + 1, balance, opened, ledger.wallet_sequences.get(wallet, 0)))
    with copy_into(cursor, "transfers_wallettransfer") as out:
        for row in ledger.transfer_rows():
            out.write(row)
    with copy_into(cursor, "transfers_reversal") as out:
        for row in ledger.reversals:
            out.write(row)
