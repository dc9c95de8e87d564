"""Customers and suppliers, and finding them by a name as people say it ("Sharma ji")."""

from __future__ import annotations

import re
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.context import Context
from erp_core.enums import Country, EntryKind, PartyKind, Role
from erp_core.errors import (
    AmbiguousParty, InvalidIdentifier, InvalidPhone, PermissionDenied, UnknownParty, ValidationError,
)
from erp_core.ids import gstin as gstin_id
from erp_core.ids import mobile
from erp_core.ids import wa_id as whatsapp_id
from erp_core.ledger import post_entry
from erp_core.models import Party, PartyBalance
from erp_core.permissions import Permission
from erp_core.search_keys import search_key
from erp_core.values import money

_HONORIFICS = re.compile(r"\b(ji|jee|sahab|saheb|bhai|bhaiya|didi|ben|dai|bahini|uncle|aunty|sir|madam)\b")
PHONE_EXAMPLES = {Country.IN: "98765 43210", Country.NP: "984-1234567"}
"""A mobile number as people in each country write it, for the message that asks again."""
MATCH_CUTOFF = 75.0
SURE_MARGIN = 8.0


class PartyRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    kind: PartyKind
    name: str


def _name_key(name: str) -> str:
    """Search key without honorifics, so "Sharma ji", "sharma" and "शर्मा जी" meet."""
    key = _HONORIFICS.sub("", search_key(name))
    return " ".join(key.split()) or search_key(name)


def normalise_phone(ctx: Context, raw: str) -> str:
    """`raw` as the books keep a phone: the mobile number as WhatsApp's `wa_id` (`919876543210`).

    A number without a country code is read in the shop's country (India or Nepal);
    `erp_core.ids.mobile.format` turns the result into `+91 98765 43210` for people.
    Raises `InvalidPhone` (a `ValidationError`) when it is not a mobile number.
    """
    with ctx.read() as session:
        country = ctx.tenant(session).country
    return _mobile(raw, country)


def _mobile(raw: str, country: Country) -> str:
    try:
        return mobile.validate(raw, country)
    except InvalidIdentifier as error:
        raise InvalidPhone(field="phone", value=raw.strip(), country=country.value, example=PHONE_EXAMPLES[country],
                           reason=error.params["reason"]) from None


def add_party(
    ctx: Context,
    *,
    kind: PartyKind | str,
    name: str,
    phone: str | None = None,
    gstin: str | None = None,
    state: str = "",
    address: str = "",
    credit_limit: Decimal | int | str | None = None,
    opening_balance: Decimal | int | str = 0,
    idempotency_key: str | None = None,
) -> PartyRef:
    """Add a customer or supplier. A non-zero opening balance becomes an OPENING khata entry.

    A `phone` is kept as its mobile number's `wa_id` (`normalise_phone`); `InvalidPhone` when it is none.
    """
    ctx.actor.require(Permission.MANAGE_PARTIES)
    try:
        kind = PartyKind(kind)
    except ValueError:
        raise ValidationError(field="kind", reason="a party is a customer or a supplier") from None
    name = name.strip()
    if not name:
        raise ValidationError(field="name", reason="is required")
    gstin = gstin_id.validate(gstin) if gstin and gstin.strip() else None
    limit = None if credit_limit is None else money(credit_limit, "credit_limit")
    opening = money(opening_balance, "opening_balance", signed=True)
    if phone is not None:
        phone = normalise_phone(ctx, phone)
    request = {"kind": kind, "name": name, "phone": phone, "gstin": gstin, "state": state,
               "address": address, "credit_limit": limit, "opening_balance": opening}

    def work(session: Session) -> PartyRef:
        party = _insert_party(session, kind=kind, name=name, phone=phone, gstin=gstin, state=state, address=address,
                              credit_limit=limit)
        if opening:
            post_entry(
                session, ctx.tenant(session), party_id=party.id, kind=EntryKind.OPENING,
                debit=max(opening, Decimal(0)), credit=max(-opening, Decimal(0)),
                ref_type="opening", note="opening balance", actor_id=ctx.actor.user_id,
            )
        return PartyRef(id=party.id, kind=kind, name=name)

    return ctx.run("party.add", request, work, PartyRef, idempotency_key)


def register_self(ctx: Context, *, wa_id: str, name: str, idempotency_key: str | None = None) -> PartyRef:
    """A new customer's own khata account, opened when they first order over WhatsApp.

    Only a customer whose number is not yet in the khata may do this, and only for
    that number; the name is their WhatsApp profile name (their number without one).
    The next message from the number finds them (`tenants.actor_for`).
    `orders.place_own_order` does this and places the order in one transaction.
    """
    phone, name = self_registration(ctx, wa_id=wa_id, name=name)
    return ctx.run("party.register_self", {"phone": phone, "name": name},
                   lambda session: register_self_in(session, phone=phone, name=name), PartyRef, idempotency_key)


def self_registration(ctx: Context, *, wa_id: str, name: str) -> tuple[str, str]:
    """The (phone, name) a number opening its own account gets, or `PermissionDenied` / `ValidationError`.

    The phone is the WhatsApp number as WhatsApp sends it (any country: it is the
    sender's own); the name is `name`, or `+<number>` when it is blank.
    """
    if ctx.actor.role is not Role.CUSTOMER or ctx.actor.party_id is not None:
        raise PermissionDenied(permission="register_self", role=ctx.actor.role.value)
    phone = whatsapp_id.validate(wa_id)
    return phone, name.strip() or whatsapp_id.format(phone)


def register_self_in(session: Session, *, phone: str, name: str) -> PartyRef:
    """Open the customer account of `self_registration` inside the caller's transaction."""
    party = _insert_party(session, kind=PartyKind.CUSTOMER, name=name, phone=phone)
    return PartyRef(id=party.id, kind=PartyKind.CUSTOMER, name=name)


def _insert_party(session: Session, *, kind: PartyKind, name: str, phone: str | None, gstin: str | None = None,
                  state: str = "", address: str = "", credit_limit: Decimal | None = None) -> Party:
    party = Party(kind=kind, name=name, search_key=_name_key(name), phone=phone, gstin=gstin, state=state,
                  address=address, credit_limit=credit_limit)
    session.add(party)
    session.flush()
    session.add(PartyBalance(party_id=party.id, balance=Decimal(0)))
    session.flush()
    return party


def _matches(ctx: Context, query: str, kind: PartyKind | None, limit: int) -> list[tuple[PartyRef, float]]:
    ctx.actor.require(Permission.VIEW_KHATA)
    key = _name_key(query)
    with ctx.read() as session:
        statement = select(Party.id, Party.kind, Party.name, Party.search_key)
        if kind is not None:
            statement = statement.where(Party.kind == kind)
        rows = session.execute(statement).all()
    exact = [(PartyRef(id=r.id, kind=r.kind, name=r.name), 100.0) for r in rows if r.search_key == key]
    if exact:
        return exact[:limit]
    hits = process.extract(key, [r.search_key for r in rows], scorer=fuzz.token_ratio, limit=limit,
                           score_cutoff=MATCH_CUTOFF)
    return [(PartyRef(id=rows[i].id, kind=rows[i].kind, name=rows[i].name), score) for _, score, i in hits]


def names_match(query: str, name: str) -> bool:
    """Whether `query` names the party called `name` ("sharma", "Sharma ji" and "शर्मा जी" all do)."""
    key, target = _name_key(query), _name_key(name)
    return key == target or fuzz.token_ratio(key, target) >= MATCH_CUTOFF + SURE_MARGIN


def find_parties(ctx: Context, query: str, kind: PartyKind | None = None, limit: int = 5) -> list[PartyRef]:
    """Parties whose names look like `query` in any script, best first."""
    return [ref for ref, _ in _matches(ctx, query, kind, limit)]


def resolve_party(ctx: Context, query: str, kind: PartyKind | None = None) -> PartyRef:
    """The one party `query` names, or `UnknownParty` / `AmbiguousParty` (with candidates)."""
    matches = _matches(ctx, query, kind, 5)
    if not matches:
        raise UnknownParty(query=query)
    if len(matches) == 1 or matches[0][1] - matches[1][1] >= SURE_MARGIN:
        return matches[0][0]
    raise AmbiguousParty(query=query, candidates=[ref.name for ref, _ in matches])


class PartyView(BaseModel):
    """A customer or supplier with their khata balance."""

    model_config = ConfigDict(frozen=True)
    id: int
    kind: PartyKind
    name: str
    phone: str | None
    gstin: str | None
    state: str
    address: str
    credit_limit: Decimal | None
    balance: Decimal
    flagged_for_review: bool


def _party_views(session: Session, query) -> list[PartyView]:  # type: ignore[no-untyped-def]
    rows = session.execute(query.add_columns(PartyBalance.balance)
                           .outerjoin(PartyBalance, PartyBalance.party_id == Party.id)).all()
    return [
        PartyView(id=p.id, kind=p.kind, name=p.name, phone=p.phone, gstin=p.gstin, state=p.state,
                  address=p.address, credit_limit=p.credit_limit, balance=balance or Decimal("0.00"),
                  flagged_for_review=p.flagged_for_review)
        for p, balance in rows
    ]


def party_details(ctx: Context, party_id: int) -> PartyView:
    """One party with its balance, or `UnknownParty`."""
    ctx.actor.require_party_access(party_id)
    with ctx.read() as session:
        views = _party_views(session, select(Party).where(Party.id == party_id))
    if not views:
        raise UnknownParty(query=str(party_id))
    return views[0]


def list_parties(
    ctx: Context, kind: PartyKind | None = None, *, after_id: int = 0, limit: int = 50,
    ids: list[int] | None = None,
) -> list[PartyView]:
    """Parties in id order after `after_id` (keyset pagination); only `ids` when given."""
    ctx.actor.require(Permission.VIEW_KHATA)
    query = select(Party).where(Party.id > after_id).order_by(Party.id).limit(limit)
    if kind is not None:
        query = query.where(Party.kind == kind)
    if ids is not None:
        query = query.where(Party.id.in_(ids))
    with ctx.read() as session:
        return _party_views(session, query)


def flag_for_review(ctx: Context, party_id: int, reason: str, *, idempotency_key: str | None = None) -> PartyView:
    """Mark a party for the owner to look at (an offline sale took them over their credit limit)."""
    ctx.actor.require(Permission.MANAGE_PARTIES)

    def work(session: Session) -> PartyView:
        party = session.get(Party, party_id)
        if party is None:
            raise UnknownParty(query=str(party_id))
        party.flagged_for_review = True
        session.flush()
        return _party_views(session, select(Party).where(Party.id == party_id))[0]

    return ctx.run("party.flag", {"party_id": party_id, "reason": reason}, work, PartyView, idempotency_key)
