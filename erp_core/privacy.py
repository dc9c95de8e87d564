"""A person's data in one shop's books: what `bot privacy export` hands them, and erasing it (the DPDP Act).

Erasure changes who a record is about, never what happened: the person's parties keep every khata
entry, order and invoice with its amounts and dates (the books must be kept for the statutory
period, docs/privacy.md), but their name, phone and address become an irreversible placeholder
(`erased-` and random hex), their user rows and consent rows get the same placeholder instead of
the number, and the replay records of their chat writes (whose keys name the conversation) go.
It is one audited operation whose audit entry names no one. The shop's conversation retention
(`conversation_retention_days`) is set here too; the conversation stores themselves are outside
erp_core (`bot/privacy.py`).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from erp_core import consents, ledger, orders
from erp_core.consents import ConsentView
from erp_core.context import Context
from erp_core.enums import PartyKind
from erp_core.errors import ValidationError
from erp_core.ids.mobile import COUNTRY_CODES
from erp_core.ledger import StatementLine
from erp_core.models import Consent, IdempotencyRecord, Party, User
from erp_core.orders import OrderView
from erp_core.permissions import Permission

PLACEHOLDER_PREFIX = "erased-"
DEFAULT_RETENTION_DAYS = 180
MAX_RETENTION_DAYS = 3650


class PartyData(BaseModel):
    """One customer or supplier record of the person, with its khata and orders."""

    model_config = ConfigDict(frozen=True)
    id: int
    kind: PartyKind
    name: str
    phone: str | None
    address: str
    gstin: str | None
    balance: Decimal
    khata: list[StatementLine]
    orders: list[OrderView]


class UserData(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    name: str
    role: str
    active: bool


class PersonData(BaseModel):
    """Everything one shop's books hold about a WhatsApp number."""

    model_config = ConfigDict(frozen=True)
    parties: list[PartyData]
    users: list[UserData]
    consents: list[ConsentView]

    @property
    def empty(self) -> bool:
        return not (self.parties or self.users or self.consents)


class Erasure(BaseModel):
    """What an erasure changed: the placeholder the person's records now carry, and how many of each."""

    model_config = ConfigDict(frozen=True)
    placeholder: str
    parties: int
    users: int
    consents: int
    replay_records: int


def _parties_of(session: Session, number: str, country_code: str) -> list[Party]:
    """Parties whose phone is `number`, written with or without the shop's country code."""
    local = number.removeprefix(country_code) if len(number) == len(country_code) + 10 else number
    candidates = session.scalars(select(Party).where(Party.phone.like(f"%{local[-8:]}")).order_by(Party.id))
    return [party for party in candidates if (party.phone or "").lstrip("+") in (number, local)]


def _country_code(ctx: Context, session: Session) -> str:
    return COUNTRY_CODES[ctx.tenant(session).country]


def person_data(ctx: Context, wa_id: str) -> PersonData:
    """What the shop keeps about `wa_id`: their parties (with khata and orders), user rows and consents."""
    ctx.actor.require(Permission.MANAGE_USERS)
    number = wa_id.strip().lstrip("+")
    with ctx.read() as session:
        found = _parties_of(session, number, _country_code(ctx, session))
        users = [UserData(id=u.id, name=u.name, role=u.role.value, active=u.active)
                 for u in session.scalars(select(User).where(User.wa_id == number).order_by(User.id))]
        rows = [(p.id, p.kind, p.name, p.phone, p.address, p.gstin) for p in found]
    parties = [
        PartyData(id=pid, kind=kind, name=name, phone=phone, address=address, gstin=gstin,
                  balance=ledger.balance(ctx, pid).balance, khata=ledger.statement(ctx, pid),
                  orders=orders.list_orders(ctx, party_id=pid, limit=10_000))
        for pid, kind, name, phone, address, gstin in rows
    ]
    return PersonData(parties=parties, users=users, consents=consents.history(ctx, number))


def erase_person(ctx: Context, wa_id: str) -> Erasure:
    """Replace `wa_id`'s name, phone and address in this shop's books by a new placeholder, withdraw the
    consents they gave and drop the replay records of their chat writes, in one audited operation. Amounts and dates
    stay (docs/privacy.md)."""
    ctx.actor.require(Permission.MANAGE_USERS)
    number = wa_id.strip().lstrip("+")
    if not number:
        raise ValidationError(field="wa_id", reason="is required")
    placeholder = PLACEHOLDER_PREFIX + secrets.token_hex(6)

    def work(session: Session) -> Erasure:
        found = _parties_of(session, number, _country_code(ctx, session))
        for party in found:
            party.name = party.search_key = placeholder
            party.phone, party.address = None, ""
        users = session.execute(update(User).where(User.wa_id == number)
                                .values(wa_id=placeholder, name=placeholder, active=False)).rowcount
        answered = set(session.scalars(select(Consent.purpose).where(Consent.wa_id == number)))
        for purpose in sorted(answered):
            session.add(Consent(wa_id=number, purpose=purpose, granted=False, source="erasure"))
        session.flush()
        erased_consents = session.execute(update(Consent).where(Consent.wa_id == number)
                                          .values(wa_id=placeholder)).rowcount
        replays = session.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.key.like(f"%:{number}:%"))).rowcount
        return Erasure(placeholder=placeholder, parties=len(found), users=users, consents=erased_consents,
                       replay_records=replays)

    return ctx.run("privacy.erase", {"placeholder": placeholder}, work, Erasure)


class Retention(BaseModel):
    model_config = ConfigDict(frozen=True)
    days: int


def conversation_retention_days(ctx: Context) -> int:
    """How many days this shop keeps conversation logs (default 180)."""
    with ctx.read() as session:
        return ctx.tenant(session).conversation_retention_days


def set_conversation_retention(ctx: Context, days: int) -> Retention:
    """Keep this shop's conversation logs for `days` days (1 to 3650)."""
    ctx.actor.require(Permission.MANAGE_USERS)
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise ValidationError(field="days", reason=f"keep conversations 1 to {MAX_RETENTION_DAYS} days")

    def work(session: Session) -> Retention:
        ctx.tenant(session).conversation_retention_days = days
        return Retention(days=days)

    return ctx.run("tenant.set_retention", {"days": days}, work, Retention)
