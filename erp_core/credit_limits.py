"""A customer's credit limit: how much udhaar the shop lets them run up (`ledger.check_credit_limit` applies it)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.context import Context
from erp_core.errors import UnknownParty
from erp_core.models import Party, PartyBalance
from erp_core.permissions import Permission
from erp_core.values import money


class CreditLimitView(BaseModel):
    model_config = ConfigDict(frozen=True)
    party_id: int
    name: str
    credit_limit: Decimal | None
    """None: no limit."""
    previous_limit: Decimal | None
    balance: Decimal
    over_limit: bool
    """The party already owes more than the new limit (new credit will warn, or be refused when the shop blocks)."""


def set_credit_limit(
    ctx: Context, party_id: int, amount: Decimal | int | str | None, *, idempotency_key: str | None = None
) -> CreditLimitView:
    """Set a party's credit limit ("Sharma ji ki udhaar limit 10000 kar do"); None removes it."""
    ctx.actor.require(Permission.SET_CREDIT_LIMITS)
    limit = None if amount is None else money(amount, "credit_limit")
    request = {"party_id": party_id, "credit_limit": limit}

    def work(session: Session) -> CreditLimitView:
        party = session.get(Party, party_id)
        if party is None:
            raise UnknownParty(query=str(party_id))
        previous, party.credit_limit = party.credit_limit, limit
        balance = session.scalar(select(PartyBalance.balance).where(PartyBalance.party_id == party_id))
        balance = balance if balance is not None else Decimal("0.00")
        return CreditLimitView(party_id=party_id, name=party.name, credit_limit=limit, previous_limit=previous,
                               balance=balance, over_limit=limit is not None and balance > limit)

    return ctx.run("party.credit_limit", request, work, CreditLimitView, idempotency_key)
