"""The khata (udhaar) from chat: who owes what, can we give more credit, remind them, and send a payment link.

"Sharma ji ka kitna baaki hai?", "kiska kitna udhaar hai?", "Sharma ji ko 5000 ka udhaar de sakte hain?",
"Verma ji ko reminder bhejo", "Gupta ji ko payment link bhejo". A customer messaging the shop sees only
their own dues.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from decimal import Decimal
from pathlib import Path

from rasa_sdk.events import EventType

from actions.base import ShopAction, Turn
from actions.choices import Choice, offer, payload
from actions.phrases import phrase
from erp_core import dues, ledger, parties, upi
from erp_core.credit_score import CreditScore, credit_score
from erp_core.enums import Role
from erp_core.errors import AmbiguousParty
from erp_core.messages import format_money
from erp_core.parties import PartyRef
from erp_core.permissions import Permission

MEDIA_DIR = Path(__file__).resolve().parent.parent / "var" / "media"
"""Where QR codes are written for the channel to upload (the WhatsApp connector sends a `path` as media)."""
TOP_DUES = 5


class ChoiceOffered(Exception):
    """The name fitted several parties and the person was asked to pick one; nothing more to say this turn."""


def named_party(turn: Turn, intent: str | None = None) -> PartyRef | None:
    """The customer (or supplier) the message names, resolved in the books; None if none is named.

    When the name fits several parties and `intent` is given, offer them as a list whose rows ask
    `intent` again about one of them (keeping any amount), and raise `ChoiceOffered`.
    """
    name = turn.entity("customer") or turn.entity("supplier")
    if not name:
        return None
    try:
        return parties.resolve_party(turn.ctx, name)
    except AmbiguousParty as error:
        if intent is None:
            raise
        extra = {"amount": turn.entity("amount")} if turn.entity("amount") else {}
        offer(turn, phrase("which_party", turn.language, query=name),
              [Choice(payload(intent, customer=candidate, **extra), candidate)
               for candidate in error.params["candidates"]], as_list=True)
        raise ChoiceOffered() from None


class PartyAction(ShopAction, ABC):
    """A khata action about a named party: an ambiguous name ends the turn with a list to pick from."""

    def act(self, turn: Turn) -> list[EventType]:
        try:
            return self.answer(turn)
        except ChoiceOffered:
            return []

    @abstractmethod
    def answer(self, turn: Turn) -> list[EventType]:
        """Say the answer for this turn."""


def ranked_dues(turn: Turn, rows: list[tuple[str, Decimal, Decimal]]) -> str:
    """The largest dues as numbered lines, from (name, total, the part of it 30 days old or less)."""
    return "\n".join(phrase("due_line", turn.language, rank=rank, name=name, total=format_money(total),
                             older=phrase("older_than_30", turn.language, amount=format_money(total - recent))
                             if total > recent else "")
                      for rank, (name, total, recent) in enumerate(rows[:TOP_DUES], start=1))


def amount_entity(turn: Turn) -> Decimal | None:
    value = turn.entity("amount")
    return Decimal(value) if value else None


def qr_image(link: str) -> Path:
    """The QR code of `link` as a PNG file (named by the link, so asking twice makes one file)."""
    MEDIA_DIR.mkdir(parents=True, exist_ok=True)
    path = MEDIA_DIR / f"upi-{hashlib.sha256(link.encode()).hexdigest()[:16]}.png"
    if not path.exists():
        path.write_bytes(upi.qr_png(link))
    return path


class ActionCheckDues(PartyAction):
    def name(self) -> str:
        return "action_check_dues"

    def answer(self, turn: Turn) -> list[EventType]:
        actor = turn.ctx.actor
        if actor.role is Role.CUSTOMER:
            return self._own_dues(turn)
        party = named_party(turn, "check_dues")
        if party is not None:
            view = ledger.balance(turn.ctx, party.id)
            self._say_balance(turn, view.name, view.balance)
            return []
        rows = ledger.ageing(turn.ctx)
        if not rows:
            turn.say("utter_dues_none")
            return []
        total = sum((row.total for row in rows), Decimal(0))
        turn.say("utter_dues_list", items=ranked_dues(turn, [(row.name, row.total, row.days_0_30) for row in rows]),
                 total=format_money(total), count=len(rows))
        return []

    def _own_dues(self, turn: Turn) -> list[EventType]:
        """A customer asks: their own balance only; naming anyone else gets a polite refusal."""
        party_id = turn.ctx.actor.party_id
        if party_id is None:
            turn.say("utter_no_khata")
            return []
        view = ledger.balance(turn.ctx, party_id)
        asked = turn.entity("customer")
        if asked and not parties.names_match(asked, view.name):
            turn.say("utter_own_dues_only")
            return []
        if view.balance > 0:
            turn.say("utter_my_due", amount=format_money(view.balance))
        else:
            turn.say("utter_my_no_due")
        return []

    @staticmethod
    def _say_balance(turn: Turn, name: str, balance: Decimal) -> None:
        if balance > 0:
            turn.say("utter_party_due", customer=name, amount=format_money(balance))
        elif balance < 0:
            turn.say("utter_party_advance", customer=name, amount=format_money(-balance))
        else:
            turn.say("utter_party_no_due", customer=name)


class ActionCreditCheck(PartyAction):
    def name(self) -> str:
        return "action_credit_check"

    def answer(self, turn: Turn) -> list[EventType]:
        party = named_party(turn, "credit_check")
        if party is None:
            turn.say("utter_ask_customer")
            return []
        check = ledger.credit_check(turn.ctx, party.id, amount_entity(turn) or 0)
        params = {"customer": check.name, "amount": format_money(check.amount), "balance": format_money(check.balance)}
        if check.credit_limit is None:
            turn.say("utter_credit_no_limit", **params)
        elif check.within_limit:
            turn.say("utter_credit_ok", limit=format_money(check.credit_limit),
                     headroom=format_money(check.headroom or Decimal(0)), **params)
        else:
            turn.say("utter_credit_over", limit=format_money(check.credit_limit),
                     after=format_money(check.balance + check.amount), **params)
        if turn.ctx.actor.can(Permission.SET_CREDIT_LIMITS):
            say_credit_score(turn, credit_score(turn.ctx, party.id))
        return []


def say_credit_score(turn: Turn, scored: CreditScore) -> None:
    """The customer's score, band, recommended limit and the factors for and against, in the person's language."""
    band = phrase(f"risk_{scored.band}", turn.language)
    if scored.new_customer:
        turn.say("utter_credit_score_new", customer=scored.name, score=str(scored.score), band=band)
        return
    reasons = [("👍 ", factor) for factor in scored.positives[:2]] + [("👎 ", factor) for factor in scored.negatives[:2]]
    turn.say("utter_credit_score", customer=scored.name, score=str(scored.score), band=band,
             limit=format_money(scored.recommended_limit or Decimal(0)),
             reasons="\n".join(mark + phrase(f"credit_{factor.key}", turn.language, **factor.params)
                               for mark, factor in reasons))


class ActionSendPaymentLink(PartyAction):
    def name(self) -> str:
        return "action_send_payment_link"

    def answer(self, turn: Turn) -> list[EventType]:
        party = named_party(turn, "send_payment_link")
        amount = amount_entity(turn)
        if party is None and amount is None:
            turn.say("utter_ask_customer")
            return []
        if party is not None and amount is None and ledger.balance(turn.ctx, party.id).balance <= 0:
            turn.say("utter_party_no_due", customer=party.name)
            return []
        request = dues.payment_request(turn.ctx, party.id if party else None, amount)
        if request.upi_link is None and request.razorpay_url is None:
            turn.say("utter_no_upi_id")
            return []
        if request.upi_link:
            turn.say("utter_payment_link", customer=request.name or request.shop_name,
                     amount=format_money(request.amount), link=request.upi_link)
            turn.dispatcher.utter_message(json_message={
                "type": "image", "path": str(qr_image(request.upi_link)),
                "caption": f"UPI {format_money(request.amount)} · {request.shop_name}",
            })
        if request.razorpay_url:
            turn.say("utter_razorpay_link", link=request.razorpay_url,
                     amount=format_money(request.razorpay_amount or request.amount))
        return []
