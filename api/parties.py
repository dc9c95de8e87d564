"""Customers and suppliers: the same operations under /customers and /suppliers."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.pagination import Page, PageQuery, page
from api.routing import Call, Resource
from api.types import Body, Money, SignedMoney
from erp_core import parties
from erp_core.enums import PartyKind
from erp_core.errors import UnknownParty
from erp_core.ids import gstin as gstin_id
from erp_core.parties import PartyRef, PartyView

GSTIN = r"^\d{2}[0-9A-Z]{13}$"
"""Any registration's shape (regular, TDS, TCS, UIN, NRTP, government); `erp_core.ids.gstin` checks the rest."""


class PartyIn(Body):
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, pattern=r"^\+?\d{8,15}$")
    gstin: str | None = Field(default=None, pattern=GSTIN)
    state: str = Field(default="", max_length=64)
    address: str = Field(default="", max_length=500)
    credit_limit: Money | None = None
    opening_balance: SignedMoney = 0
    """What they owe now (negative: what we owe them)."""


class SearchQuery(Body):
    q: str = Field(min_length=1, max_length=200)
    limit: int = Field(default=5, ge=1, le=50)


class SearchResult(BaseModel):
    matches: list[PartyRef]


def _routes(kind: PartyKind, plural: str, tag: str) -> Resource:
    api = Resource(plural, tag)

    def _of_kind(view: PartyView) -> PartyView:
        if view.kind is not kind:
            raise UnknownParty(query=str(view.id))
        return view

    @api.get(f"/{plural}", summary=f"List {plural}", query=PageQuery, response=Page[PartyView],
             name=f"list_{plural}")
    def list_parties(call: Call) -> Page[PartyView]:
        rows = parties.list_parties(call.ctx, kind, after_id=call.query.position or 0, limit=call.query.limit + 1)
        return page(rows, call.query.limit, lambda p: p.id)

    @api.get(f"/{plural}/search", summary=f"Find {plural} by name as people say it", query=SearchQuery,
             response=SearchResult, name=f"search_{plural}")
    def search(call: Call) -> SearchResult:
        return SearchResult(matches=parties.find_parties(call.ctx, call.query.q, kind, call.query.limit))

    @api.get(f"/{plural}/<party_id:int>", summary=f"One {kind.value} with their balance", response=PartyView,
             errors=(404,), name=f"get_{kind.value}")
    def get_party(call: Call, party_id: int) -> PartyView:
        return _of_kind(parties.party_details(call.ctx, party_id))

    @api.post(f"/{plural}", summary=f"Add a {kind.value}", body=PartyIn, response=PartyView, status=201,
              errors=(422,), name=f"add_{kind.value}")
    def add_party(call: Call) -> PartyView:
        b: PartyIn = call.body
        gstin = None if b.gstin is None else gstin_id.validate(b.gstin)  # the check digit too: invalid_checksum
        ref = parties.add_party(call.ctx, kind=kind, name=b.name, phone=b.phone, gstin=gstin, state=b.state,
                                address=b.address, credit_limit=b.credit_limit, opening_balance=b.opening_balance,
                                idempotency_key=call.idempotency_key)
        return parties.party_details(call.ctx, ref.id)

    return api


customers = _routes(PartyKind.CUSTOMER, "customers", "Customers")
suppliers = _routes(PartyKind.SUPPLIER, "suppliers", "Suppliers")
