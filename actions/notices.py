"""Chat about the messages the shop sends on its own (erp_core.notices; sent by bot/notify).

The owner: "Ramesh ko reminder bhejo" (one now), "... har hafte" (every 7 days while due), "kal subah 9 baje ..."
(once then), "Gupta ji ke reminders band karo" / "... phir shuru karo" (one customer), "reminders band karo"
(the shop's daily run), "aaj kaun se reminder gaye" (the log, with what WhatsApp said of each). A customer:
"messages band karo", "STOP" (everything the shop starts stops at once), "reminder chalu karo", the consent
buttons, and a reminder's "statement" button (their own khata).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rasa_sdk.events import EventType

from actions.base import ShopAction, Turn
from actions.khata import PartyAction, named_party
from actions.phrases import period_name, phrase
from actions.privacy import message_source
from actions.responses import variation
from actions.shop import channel_metadata
from actions.statement_form import DEFAULT_PERIOD, statement_of, write_pdf
from actions.summaries import asked_period
from actions.when import read_schedule
from erp_core import consents, dues, ledger, notices, parties, reminders
from erp_core.columns import utcnow
from erp_core.enums import ConsentPurpose, NoticeState, Role
from erp_core.messages import format_money
from erp_core.parties import PartyRef
from erp_core.periods import shop_period

GRANTING = {"consent_reminders_yes", "opt_in"}
SETTLED = "settled"
LOG_LINES = 30
"""Lines of the sent log in one message (WhatsApp's 4,096 characters leave room for about 40)."""


def _shop_time(turn: Turn, moment: datetime) -> datetime:
    with turn.ctx.read() as session:
        return moment.astimezone(ZoneInfo(turn.ctx.tenant(session).timezone))


def _intent(turn: Turn) -> str:
    return (turn.tracker.latest_message.get("intent") or {}).get("name") or ""


def works_here(turn: Turn) -> bool:
    """The person is one of the shop's own (owner, manager, staff), not a customer."""
    return turn.ctx.actor.role is not Role.CUSTOMER


class ActionSendReminder(PartyAction):
    """A named customer's due reminder: sent now through the notice worker, on a cycle, or once at a time."""

    def name(self) -> str:
        return "action_send_reminder"

    def answer(self, turn: Turn) -> list[EventType]:
        party = named_party(turn, "send_reminder")
        if party is None:
            turn.say("utter_ask_customer")
            return []
        now = utcnow()
        with turn.ctx.read() as session:
            zone = turn.ctx.tenant(session).timezone
        schedule = read_schedule(turn.tracker.latest_message.get("text") or "", turn.entity("time"), now, zone)
        due = ledger.balance(turn.ctx, party.id).balance
        if schedule.every_days is not None:
            reminders.set_every(turn.ctx, party.id, schedule.every_days)
            turn.say("utter_reminder_scheduled_every", customer=party.name, days=schedule.every_days,
                     amount=format_money(due))
            phone = parties.party_details(turn.ctx, party.id).phone
            if phone and due > 0 and notices.consent_to(turn.ctx, phone, notices.NoticeKind.REMINDER) is \
                    notices.Consent.NOT_AGREED:   # the cycle is opt-in: say so, and give today's to forward
                turn.say("utter_party_no_reminder_consent", customer=party.name)
                self.text_to_forward(turn, party, phone)
            return []
        if schedule.at is not None:
            reminders.remind_at(turn.ctx, party.id, schedule.at)
            turn.say("utter_reminder_scheduled_once", customer=party.name,
                     when=f"{_shop_time(turn, schedule.at):%d %b, %H:%M}")
            return []
        if due <= 0:
            turn.say("utter_party_no_due", customer=party.name)
            return []
        self.now(turn, party, now)
        return []

    def now(self, turn: Turn, party: PartyRef, now: datetime) -> None:
        """Queue the reminder for the worker; when it cannot go (no number, no consent), the text to forward."""
        phone = parties.party_details(turn.ctx, party.id).phone
        consent = notices.consent_to(turn.ctx, phone, notices.NoticeKind.REMINDER, by_owner=True) if phone else None
        if consent in (notices.Consent.SEND, notices.Consent.SEND_AND_ASK) and reminders.queue_due(
                turn.ctx, now, party_id=party.id):
            turn.say("utter_reminder_queued", customer=party.name,
                     amount=format_money(ledger.balance(turn.ctx, party.id).balance))
            return
        if consent is notices.Consent.OPTED_OUT:
            since = consents.current(turn.ctx, phone)[ConsentPurpose.REMINDERS].at
            turn.say("utter_party_opted_out", customer=party.name, when=f"{_shop_time(turn, since):%d %b}")
        self.text_to_forward(turn, party, phone)

    @staticmethod
    def text_to_forward(turn: Turn, party: PartyRef, phone: str | None) -> None:
        """The reminder as a text the owner forwards by hand (today's one was sent already, or it may not go)."""
        request = dues.payment_request(turn.ctx, party.id)
        params = {"customer": request.name, "shop": request.shop_name, "amount": format_money(request.amount)}
        if request.upi_link:
            turn.say("utter_reminder_text", link=request.upi_link, **params)
        else:
            turn.say("utter_reminder_text_no_link", **params)
        if phone:
            turn.say("utter_reminder_to_whatsapp", customer=request.name, phone=phone)
        else:
            turn.say("utter_reminder_forward", customer=request.name)


class ActionConsentReminders(ShopAction):
    """Yes or no to the shop's messages: a customer's own choice (the buttons, "messages band karo",
    "reminder chalu karo"), recorded at once; the owner saying it about a customer, or about the shop's reminders."""

    def name(self) -> str:
        return "action_consent_reminders"

    def act(self, turn: Turn) -> list[EventType]:
        intent = _intent(turn)
        granted = intent in GRANTING
        if works_here(turn) and intent in ("opt_in", "opt_out"):
            return self.owner(turn, granted)
        metadata = channel_metadata(turn.tracker)
        message_id = metadata.message_id or turn.tracker.latest_message.get("message_id") or ""
        consents.record(turn.ctx, metadata.wa_id, ConsentPurpose.REMINDERS, granted, message_source(message_id))
        if granted:
            turn.say("utter_reminders_on")
        else:
            turn.say("utter_messages_stopped" if intent == "opt_out" else "utter_reminders_off")
        return []

    @staticmethod
    def owner(turn: Turn, granted: bool) -> list[EventType]:
        party = named_party(turn)
        if party is not None:
            every = None if granted else 0
            reminders.set_every(turn.ctx, party.id, every)
            if granted:
                turn.say("utter_reminders_resumed_for", customer=party.name, days=reminders.DEFAULT_EVERY_DAYS)
            else:
                turn.say("utter_reminders_stopped_for", customer=party.name)
            return []
        if granted:
            reminders.enable(turn.ctx, utcnow())
            turn.say("utter_reminders_started_shop", time=f"{reminders.DUE_REMINDERS_AT:%H:%M}",
                     days=reminders.OVERDUE_AFTER_DAYS)
        else:
            reminders.disable(turn.ctx, utcnow())
            turn.say("utter_reminders_stopped_shop")
        return []


class ActionStop(ShopAction):
    """"stop" with no form open: a customer's "STOP" stops the shop's messages; the shop's people have nothing
    to stop."""

    def name(self) -> str:
        return "action_stop"

    def act(self, turn: Turn) -> list[EventType]:
        if works_here(turn):
            turn.say("utter_form_cancelled")
            return []
        metadata = channel_metadata(turn.tracker)
        consents.record(turn.ctx, metadata.wa_id, ConsentPurpose.REMINDERS, False,
                        message_source(metadata.message_id or ""))
        turn.say("utter_messages_stopped")
        return []


class ActionSentMessages(ShopAction):
    """What the shop sent (or held, or did not send) in a period, newest first, with WhatsApp's word on each."""

    def name(self) -> str:
        return "action_sent_messages"

    def act(self, turn: Turn) -> list[EventType]:
        period = asked_period(turn)
        span = shop_period(turn.ctx, period)
        rows = [row for row in notices.log(turn.ctx, span.start) if row.created_at < span.end]
        said = period_name(period, turn.language)
        if not rows:
            turn.say("utter_sent_log_empty", period=said)
            return []
        turn.say("utter_sent_log", period=said, lines="\n".join(self.line(turn, row) for row in rows[:LOG_LINES]))
        return []

    @staticmethod
    def line(turn: Turn, row: notices.NoticeView) -> str:
        who = row.params.get("name") or (phrase("owner_you", turn.language) if row.party_id is None else row.recipient)
        return phrase("sent_line", turn.language, time=f"{_shop_time(turn, row.sent_at or row.created_at):%H:%M}",
                      who=who, what=phrase(f"notice_{row.kind.value}", turn.language),
                      state=phrase(f"delivery_{state_of(row)}", turn.language))


def state_of(row: notices.NoticeView) -> str:
    """What became of a notice, as the log says it: pending, sent, delivered, read, failed, opted_out,
    not_agreed or settled."""
    if row.state is NoticeState.SENT:
        return row.delivery if row.delivery in ("delivered", "read", "failed") else "sent"
    if row.state is NoticeState.SKIPPED:
        return row.reason if row.reason in ("opted_out", "not_agreed") else SETTLED
    if row.state is NoticeState.FAILED:
        return "failed"
    return "pending"


class ActionMyStatement(ShopAction):
    """A customer's own khata statement (a reminder's or receipt's button): this month's, as a PDF."""

    def name(self) -> str:
        return "action_my_statement"

    def act(self, turn: Turn) -> list[EventType]:
        party_id = turn.ctx.actor.party_id
        if party_id is None:
            turn.say("utter_my_statement_unknown")
            return []
        view = statement_of(turn, party_id, DEFAULT_PERIOD)
        pdf = write_pdf(turn, view)
        caption = variation(turn.domain, "utter_customer_statement", turn.language)["text"].format(
            shop=view.shop_name, period=period_name(DEFAULT_PERIOD, turn.language),
            closing=format_money(view.closing_balance))
        turn.dispatcher.utter_message(json_message={"type": "document", "path": str(pdf), "filename": pdf.name,
                                                    "caption": caption})
        return []

