"""Tenants (businesses, one per WhatsApp business number) and their users (WhatsApp numbers with a role)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from erp_core import consents
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import Country, CreditPolicy, PartyKind, ReplyLanguage, Role
from erp_core.errors import NotFound, PermissionDenied, ValidationError
from erp_core.ids import wa_id as whatsapp_id
from erp_core.ids.mobile import COUNTRY_CODES
from erp_core.models import Party, Tenant, User
from erp_core.permissions import Actor, Permission

TIMEZONES = {Country.IN: "Asia/Kolkata", Country.NP: "Asia/Kathmandu"}
_DIGITS = re.compile(r"^\d{5,20}$")


class TenantInfo(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    phone_number_id: str
    name: str
    country: Country
    reply_language: ReplyLanguage
    """The shop's reply-language setting (AUTO: each person's own), read with the tenant on every message."""


class UserInfo(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    wa_id: str
    name: str
    role: Role
    party_id: int | None


def _info(tenant: Tenant) -> TenantInfo:
    return TenantInfo(id=tenant.id, phone_number_id=tenant.phone_number_id, name=tenant.name, country=tenant.country,
                      reply_language=tenant.reply_language)


def add_tenant(
    db: Database,
    *,
    phone_number_id: str,
    name: str,
    address: str = "",
    state: str = "",
    gstin: str | None = None,
    pan: str | None = None,
    country: Country | str = Country.IN,
    allow_negative_stock: bool = False,
    credit_policy: CreditPolicy | str = CreditPolicy.WARN,
) -> TenantInfo:
    """Register a business under its WhatsApp business number (`phone_number_id`)."""
    phone_number_id = phone_number_id.strip()
    if not _DIGITS.match(phone_number_id):
        raise ValidationError(field="phone_number_id", reason="WhatsApp phone number ids are digits")
    if not name.strip():
        raise ValidationError(field="name", reason="is required")
    try:
        country = Country(country)
        credit_policy = CreditPolicy(credit_policy)
    except ValueError as exc:
        raise ValidationError(field="country/credit_policy", reason=str(exc)) from None
    tenant = Tenant(
        phone_number_id=phone_number_id, name=name.strip(), address=address, state=state,
        gstin=gstin or None, pan=pan or None, country=country, timezone=TIMEZONES[country],
        allow_negative_stock=allow_negative_stock, credit_policy=credit_policy,
    )
    try:
        with db.session(None) as session, session.begin():
            session.add(tenant)
    except IntegrityError:
        raise ValidationError(field="phone_number_id", reason=f"{phone_number_id} is already registered") from None
    info = _info(tenant)
    Context(db, info.id, Actor.system()).run("tenant.create", info.model_dump(), lambda s: info, TenantInfo)
    return info


def find_tenant(db: Database, phone_number_id: str) -> TenantInfo | None:
    """The business a WhatsApp business number belongs to, if registered."""
    with db.session(None, readonly=True) as session:
        tenant = session.scalar(select(Tenant).where(Tenant.phone_number_id == phone_number_id))
        return _info(tenant) if tenant else None


def list_tenants(db: Database) -> list[TenantInfo]:
    with db.session(None, readonly=True) as session:
        return [_info(t) for t in session.scalars(select(Tenant).order_by(Tenant.id))]


def add_user(
    ctx: Context,
    *,
    wa_id: str,
    role: Role | str,
    name: str = "",
    party_id: int | None = None,
    idempotency_key: str | None = None,
) -> UserInfo:
    """Give a WhatsApp number a role in this business. Customers are linked to their party."""
    ctx.actor.require(Permission.MANAGE_USERS)
    wa_id = whatsapp_id.validate(wa_id)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(field="role", reason=f"{role!r} is not one of {', '.join(Role)}") from None
    if role is Role.CUSTOMER and party_id is None:
        raise ValidationError(field="party_id", reason="a customer user must be linked to a customer")
    request = {"wa_id": wa_id, "role": role, "name": name, "party_id": party_id}

    def work(session: Session) -> UserInfo:
        if party_id is not None and session.get(Party, party_id) is None:
            raise NotFound(what="party", ref=party_id)
        if session.scalar(select(User.id).where(User.wa_id == wa_id)) is not None:
            raise ValidationError(field="wa_id", reason=f"{wa_id} is already a user of this business")
        user = User(wa_id=wa_id, role=role, name=name, party_id=party_id)
        session.add(user)
        session.flush()
        return UserInfo(id=user.id, wa_id=wa_id, name=name, role=role, party_id=party_id)

    return ctx.run("user.add", request, work, UserInfo, idempotency_key)


def actor_for(db: Database, tenant_id: int, wa_id: str) -> Actor:
    """The actor behind a WhatsApp number.

    A user of the shop acts in their role. Any other number is a customer: linked to
    the customer in the khata whose phone is that number (written with or without the
    shop's country code), when exactly one is, and to no party otherwise.
    """
    number = wa_id.lstrip("+")
    with db.session(tenant_id, readonly=True) as session:
        user = session.scalar(select(User).where(User.wa_id == number, User.active))
        if user is not None:
            return Actor(user_id=user.id, role=user.role, party_id=user.party_id)
        country_code = COUNTRY_CODES[session.get(Tenant, tenant_id).country]
        return Actor(user_id=None, role=Role.CUSTOMER, party_id=_customer_with_phone(session, number, country_code))


def _customer_with_phone(session: Session, number: str, country_code: str) -> int | None:
    """The one customer whose phone is `number`, with or without `country_code`; None when none or several are."""
    matches = {party_id for party_id in _parties_with_phone(session, number, country_code)
               if session.get(Party, party_id).kind is PartyKind.CUSTOMER}
    return matches.pop() if len(matches) == 1 else None


class NumberChange(BaseModel):
    """What moved to a person's new WhatsApp number."""

    model_config = ConfigDict(frozen=True)
    old_wa_id: str
    new_wa_id: str
    role: Role | None
    """The role the person holds in the shop (None: they are no user of it)."""
    parties: tuple[str, ...]
    """The names of the khata accounts (customers, suppliers) whose phone was the old number."""


def change_number(ctx: Context, *, old_wa_id: str, new_wa_id: str) -> NumberChange:
    """Move a person from their old WhatsApp number to the new one, as WhatsApp reported: their role, the
    khata accounts with that phone and their consents, in one audited operation.

    The acting person must be the old number (`actor_for(old_wa_id)`): nobody moves another's number.
    Raises `ValidationError` when the new number already belongs to another user of the shop.
    """
    old_wa_id, new_wa_id = whatsapp_id.validate(old_wa_id), whatsapp_id.validate(new_wa_id)
    request = {"old_wa_id": old_wa_id, "new_wa_id": new_wa_id}

    def work(session: Session) -> NumberChange:
        user = session.scalar(select(User).where(User.wa_id == old_wa_id, User.active))
        if (user.id if user else None) != ctx.actor.user_id:
            raise PermissionDenied(permission="change another person's number", role=ctx.actor.role.value)
        if session.scalar(select(User.id).where(User.wa_id == new_wa_id)) is not None:
            raise ValidationError(field="wa_id", reason=f"{new_wa_id} is already a user of this business")
        if user is not None:
            user.wa_id = new_wa_id
        country_code = COUNTRY_CODES[ctx.tenant(session).country]
        moved = [session.get(Party, party_id) for party_id in _parties_with_phone(session, old_wa_id, country_code)]
        for party in moved:
            party.phone = new_wa_id
        consents.carry_over(session, old_wa_id, new_wa_id)
        return NumberChange(old_wa_id=old_wa_id, new_wa_id=new_wa_id, role=user.role if user else None,
                            parties=tuple(sorted(party.name for party in moved)))

    return ctx.run("user.change_number", request, work, NumberChange)


def _parties_with_phone(session: Session, number: str, country_code: str) -> set[int]:
    """Every customer and supplier whose phone is `number`, written with or without `country_code`."""
    local = number.removeprefix(country_code) if len(number) == len(country_code) + 10 else number
    candidates = session.execute(select(Party.id, Party.phone).where(Party.phone.like(f"%{local[-8:]}"))).all()
    return {party_id for party_id, phone in candidates if phone.lstrip("+") in (number, local)}
