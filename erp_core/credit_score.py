"""Whom to trust with udhaar: a 0-100 credit score per customer from their khata, with the reasons.

The khata's debits (bills, orders, opening balances, refunds) are paid off oldest first by its credits
(payments, returns, credit notes); a debit is due `TERMS_DAYS` after it was made. From that:

| factor | what it is |
|---|---|
| on-time rate | the share (by amount) of what fell due that was paid by its due date |
| average and worst delay | days past due before it was paid (or until today, when not yet) |
| defaults | what is still unpaid more than 90 days after it was bought |
| purchases | value a month and buying days a month, over the last six months |
| outstanding ratio | the balance against a month's purchases |
| account age | days since the first khata entry |

The score starts at 50 and each factor moves it (`score_of`: the weights are in `WEIGHTS`, a rule one can read
and argue with); the band is low risk from 70, high risk under 40. The recommended limit is a month's purchases
times 1.5 (low risk), 1 (medium) or 0.5 (high), in hundreds. A customer with under 60 days of khata, or nothing
that has fallen due yet, gets `NEW_CUSTOMER`: 50, medium risk, no limit recommended beyond the shop's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from erp_core.context import Context
from erp_core.enums import PartyKind
from erp_core.errors import NotFound
from erp_core.ledger import business_date
from erp_core.models import CreditEntry, Party
from erp_core.permissions import Permission

TERMS_DAYS = 30
DEFAULT_DAYS = 90
NEW_DAYS = 60
LOW_RISK, MEDIUM_RISK, HIGH_RISK = "low", "medium", "high"
NEW_CUSTOMER = 50
"""The stated default for a customer too new to judge."""
WEIGHTS = {
    "on_time": 30.0,        # × (on-time rate − 0.5) × 2: +30 always on time, −30 never
    "average_delay": -0.5,  # half a point for each day late on average (at most −20)
    "worst_delay": -10.0,   # when the worst delay passed 60 days
    "defaults": -30.0,      # × the share of the balance unpaid for over 90 days
    "purchases": 8.0,       # × min(1, buying days a month / 8): regulars buy often
    "outstanding": -10.0,   # × min(1, balance / a month's purchases − 1), when they owe more than a month
    "age": 10.0,            # × min(1, account age / 365)
}


@dataclass(frozen=True)
class Features:
    on_time_rate: float | None
    average_delay: float
    worst_delay: int
    defaulted: Decimal
    monthly_purchases: Decimal
    buying_days_a_month: float
    balance: Decimal
    account_age_days: int


class Factor(BaseModel):
    model_config = ConfigDict(frozen=True)
    key: str
    """on_time, average_delay, worst_delay, defaults, purchases, outstanding, age."""
    points: float
    words: str
    """The factor in English ("paid 92 % on time"); the chat says it in the person's language from `key`."""
    params: dict[str, str] = {}
    """The figures in `words`, for saying it in another language."""


class CreditScore(BaseModel):
    model_config = ConfigDict(frozen=True)
    party_id: int
    name: str
    score: int
    band: str
    recommended_limit: Decimal | None
    """None for a new customer: the shop's own judgement."""
    new_customer: bool
    positives: list[Factor]
    negatives: list[Factor]
    features: dict[str, float]


def _round100(value: Decimal) -> Decimal:
    return (value / 100).quantize(Decimal(1), ROUND_HALF_UP) * 100


def features_of(entries: list[tuple[date, Decimal, Decimal]], today: date) -> Features:
    """The factors from a khata's (date, debit, credit) entries."""
    entries = sorted(entries, key=lambda entry: entry[0])
    debits: list[dict] = []                 # each: day, amount, left, paid (the day it was paid off)
    pool = Decimal(0)
    for day, debit, credit in entries:
        if debit > 0:
            debits.append({"day": day, "amount": debit, "left": debit, "paid": None})
        pool += credit
        for item in debits:                 # credits pay off the oldest debit first
            if pool <= 0:
                break
            if item["left"] > 0:
                used = min(item["left"], pool)
                item["left"] -= used
                pool -= used
                if item["left"] == 0:
                    item["paid"] = day
    due_total, on_time, delays = Decimal(0), Decimal(0), []
    for item in debits:
        due = (item["day"] - today).days + TERMS_DAYS   # days until due (negative: past due)
        if item["paid"] is not None:
            late = (item["paid"] - item["day"]).days - TERMS_DAYS
            due_total += item["amount"]
            on_time += item["amount"] if late <= 0 else Decimal(0)
            delays.append((max(late, 0), item["amount"]))
        elif due < 0:
            due_total += item["amount"]
            delays.append((-due, item["left"]))
    weight = sum((amount for _, amount in delays), Decimal(0))
    recent = [(day, debit) for day, debit, _ in entries if debit > 0 and (today - day).days <= 180]
    first_day = entries[0][0] if entries else today
    months = max(min((today - first_day).days, 180) / 30, 1)
    return Features(
        on_time_rate=float(on_time / due_total) if due_total > 0 else None,
        average_delay=float(sum((Decimal(days) * amount for days, amount in delays), Decimal(0)) / weight)
        if weight > 0 else 0.0,
        worst_delay=max((days for days, _ in delays), default=0),
        defaulted=sum((item["left"] for item in debits if (today - item["day"]).days > DEFAULT_DAYS), Decimal(0)),
        monthly_purchases=(sum((debit for _, debit in recent), Decimal(0)) / Decimal(str(months))).quantize(
            Decimal("0.01")),
        buying_days_a_month=len({day for day, _ in recent}) / months,
        balance=sum((debit - credit for _, debit, credit in entries), Decimal(0)),
        account_age_days=(today - first_day).days,
    )


def score_of(found: Features) -> tuple[int, list[Factor]]:
    """The score (0-100) and every factor's points, as `WEIGHTS` say."""
    factors = []
    if found.on_time_rate is not None:
        factors.append(Factor(key="on_time", points=WEIGHTS["on_time"] * (found.on_time_rate - 0.5) * 2,
                              words=f"paid {found.on_time_rate:.0%} of what fell due on time",
                              params={"rate": f"{found.on_time_rate:.0%}"}))
    if found.average_delay > 0:
        factors.append(Factor(key="average_delay", points=max(WEIGHTS["average_delay"] * found.average_delay, -20),
                              words=f"pays {found.average_delay:.0f} days late on average",
                              params={"days": f"{found.average_delay:.0f}"}))
    if found.worst_delay > 60:
        factors.append(Factor(key="worst_delay", points=WEIGHTS["worst_delay"],
                              words=f"once {found.worst_delay} days late", params={"days": str(found.worst_delay)}))
    if found.defaulted > 0 and found.balance > 0:
        share = float(min(found.defaulted / found.balance, Decimal(1)))
        factors.append(Factor(key="defaults", points=WEIGHTS["defaults"] * share,
                              words=f"₹{found.defaulted:,.0f} unpaid for over 90 days",
                              params={"amount": f"₹{found.defaulted:,.0f}"}))
    frequency = min(found.buying_days_a_month / 8, 1.0)
    if frequency > 0:
        factors.append(Factor(key="purchases", points=WEIGHTS["purchases"] * frequency,
                              words=f"buys on {found.buying_days_a_month:.0f} days a month, "
                                    f"₹{found.monthly_purchases:,.0f} a month",
                              params={"days": f"{found.buying_days_a_month:.0f}",
                                      "amount": f"₹{found.monthly_purchases:,.0f}"}))
    if found.monthly_purchases > 0 and found.balance > found.monthly_purchases:
        over = float(min(found.balance / found.monthly_purchases - 1, Decimal(1)))
        factors.append(Factor(key="outstanding", points=WEIGHTS["outstanding"] * over,
                              words=f"owes {float(found.balance / found.monthly_purchases):.1f} months of purchases",
                              params={"months": f"{float(found.balance / found.monthly_purchases):.1f}"}))
    factors.append(Factor(key="age", points=WEIGHTS["age"] * min(found.account_age_days / 365, 1.0),
                          words=f"khata {found.account_age_days // 30} months old",
                          params={"months": str(found.account_age_days // 30)}))
    score = round(min(max(50 + sum(f.points for f in factors), 0), 100))
    return score, factors


def band_of(score: int) -> str:
    return LOW_RISK if score >= 70 else MEDIUM_RISK if score >= 40 else HIGH_RISK


def credit_score(ctx: Context, party_id: int, *, now: datetime | None = None) -> CreditScore:
    """A customer's score, band, recommended limit and the factors behind them (owners and managers)."""
    ctx.actor.require(Permission.SET_CREDIT_LIMITS)
    with ctx.read() as session:
        party = session.get(Party, party_id)
        if party is None or party.kind is not PartyKind.CUSTOMER:
            raise NotFound(what="customer", ref=party_id)
        today = business_date(ctx.tenant(session), now or datetime.now(timezone.utc))
        entries = [(row.entry_date, row.debit, row.credit) for row in session.scalars(
            select(CreditEntry).where(CreditEntry.party_id == party_id).order_by(CreditEntry.id))]
        name = party.name
    found = features_of(entries, today)
    new = found.account_age_days < NEW_DAYS or found.on_time_rate is None
    score, factors = (NEW_CUSTOMER, []) if new else score_of(found)
    band = band_of(score)
    limit = None if new else _round100(found.monthly_purchases * Decimal({LOW_RISK: "1.5", MEDIUM_RISK: "1",
                                                                          HIGH_RISK: "0.5"}[band]))
    ranked = sorted(factors, key=lambda f: f.points)
    return CreditScore(
        party_id=party_id, name=name, score=score, band=band, recommended_limit=limit, new_customer=new,
        positives=[f for f in reversed(ranked) if f.points > 0][:3], negatives=[f for f in ranked if f.points < 0][:3],
        features={"on_time_rate": found.on_time_rate if found.on_time_rate is not None else -1.0,
                  "average_delay": found.average_delay, "worst_delay": float(found.worst_delay),
                  "defaulted": float(found.defaulted), "monthly_purchases": float(found.monthly_purchases),
                  "buying_days_a_month": found.buying_days_a_month, "balance": float(found.balance),
                  "account_age_days": float(found.account_age_days)})
