"""Photos of bills become entries: a draft shown to the owner, changed if need be, then booked once.

    draft = bill_photos.keep(ctx, message_id="wamid.X", photo=path, reading=read_bill(path, "IN"), store=folder)
    draft = bill_photos.change(ctx, draft.id, "total", "1250")
    booked = bill_photos.book(ctx, draft.id, idempotency_key="chat:...:book")

`keep` stores the original in the shop's documents folder and the reading as a draft, one per photo message (the
same message delivered twice is the same draft). The draft names the supplier and each line's product as the
shop's books know them: the supplier by GSTIN first, then by name; products by the catalog's fuzzy lookup in any
script. What the books do not know is created when the draft is booked. A purchase is booked as the supplier's
bill (`purchases.record_purchase`: stock in, the supplier's khata credited, input tax credit), a receipt as an
expense in its category; the bill's own total must agree with its lines or the booking is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from datetime import date, datetime, time, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core import catalog, expenses, parties, purchases
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.enums import PartyKind, PhotoState
from erp_core.errors import AmbiguousParty, AmbiguousProduct, NotFound, UnknownParty, UnknownProduct, ValidationError
from erp_core.ids import gstin as gstin_ids
from erp_core.models import BillPhoto, Party
from erp_core.permissions import Permission
from erp_core.photos.reading import BillReading

GST_SLABS = (Decimal(0), Decimal(5), Decimal(12), Decimal(18), Decimal(28))
FIELDS = ("party", "invoice_no", "date", "total", "kind", "category", "line_name", "line_quantity", "line_rate",
          "line_amount", "remove_line")
"""What `change` can set."""


class DraftLine(BaseModel):
    name: str
    quantity: Decimal
    unit: str = ""
    rate: Decimal
    amount: Decimal
    product_id: int | None = None
    product_name: str | None = None
    """The catalog's product this line is (None: a new product, created when the draft is booked)."""


class Draft(BaseModel):
    """A photo's bill as the owner sees it before booking."""

    id: int
    state: PhotoState
    kind: str
    category: str | None = None
    party: str | None = None
    party_id: int | None = None
    """The supplier in the books (None: a new supplier, created when booked)."""
    gstin: str | None = None
    pan: str | None = None
    invoice_no: str | None = None
    date: dt.date | None = None
    date_bs: str | None = None
    total: Decimal | None = None
    tax_total: Decimal | None = None
    lines: list[DraftLine] = []
    problems: list[str] = []
    unsure: list[str] = []
    """Fields read with a confidence under 0.6: the chat asks the owner to look at them."""
    ref_type: str | None = None
    ref_id: int | None = None

    @property
    def lines_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def _permission(kind: str) -> Permission:
    return Permission.RECORD_EXPENSE if kind == "expense" else Permission.RECORD_PURCHASE


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationError(field=field, reason="a number") from None
    if amount < 0:
        raise ValidationError(field=field, reason="not negative")
    return amount


def _match_supplier(ctx: Context, session: Session, name: str | None, gstin: str | None) -> Party | None:
    """The supplier by GSTIN, else the one the name fuzzily matches (None when none or several)."""
    if gstin:
        found = session.scalar(select(Party).where(Party.gstin == gstin, Party.kind == PartyKind.SUPPLIER))
        if found is not None:
            return found
    if not name:
        return None
    try:
        ref = parties.resolve_party(ctx, name, PartyKind.SUPPLIER)
    except (UnknownParty, AmbiguousParty):
        return None
    return session.get(Party, ref.id)


def _match_product(ctx: Context, name: str) -> tuple[int | None, str | None]:
    if not name.strip():
        return None, None
    try:
        product = catalog.resolve_product(ctx, name)
    except (UnknownProduct, AmbiguousProduct):
        return None, None
    return product.id, product.name


def _draft(row: BillPhoto) -> Draft:
    return Draft(id=row.id, state=row.state, ref_type=row.ref_type, ref_id=row.ref_id, **json.loads(row.reading))


def _store(ctx: Context, photo: Path, store: Path, message_id: str) -> Path:
    """The original copied into `<store>/<tenant>/bills/`, named by its message."""
    folder = store / str(ctx.tenant_id) / "bills"
    folder.mkdir(parents=True, exist_ok=True)
    name = "".join(char for char in message_id if char.isalnum() or char in "-_.")[-80:] or "photo"
    target = folder / f"{name}{photo.suffix.lower() or '.jpg'}"
    if photo.resolve() != target.resolve():
        shutil.copyfile(photo, target)
    return target


def by_message(ctx: Context, message_id: str) -> Draft | None:
    """The draft made from the photo in message `message_id`, if there is one."""
    with ctx.read() as session:
        row = session.scalar(select(BillPhoto).where(BillPhoto.message_id == message_id))
        return None if row is None else _draft(row)


def keep(ctx: Context, *, message_id: str, photo: Path, reading: BillReading, store: Path) -> Draft:
    """Keep the photo and its reading as a draft, matched to the books; the existing draft when this message's
    photo was kept before."""
    ctx.actor.require(_permission(reading.kind))
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    kept = _store(ctx, photo, store, message_id)
    request = {"message_id": message_id, "sha256": digest}

    def work(session: Session) -> Draft:
        existing = session.scalar(select(BillPhoto).where(BillPhoto.message_id == message_id))
        if existing is not None:
            return _draft(existing)
        supplier = _match_supplier(ctx, session, reading.party, reading.gstin) if reading.kind == "purchase" else None
        lines = []
        for line in reading.lines:
            product_id, product_name = _match_product(ctx, line.name) if reading.kind == "purchase" else (None, None)
            lines.append(DraftLine(name=line.name, quantity=line.quantity, unit=line.unit, rate=line.rate,
                                   amount=line.amount, product_id=product_id, product_name=product_name))
        found = reading.as_json()
        draft = {"kind": reading.kind, "category": reading.category,
                 "party": supplier.name if supplier else reading.party, "party_id": supplier.id if supplier else None,
                 "gstin": reading.gstin, "pan": reading.pan, "invoice_no": reading.invoice_no,
                 "date": reading.date.isoformat() if reading.date else None, "date_bs": reading.date_bs,
                 "total": None if reading.total is None else str(reading.total),
                 "tax_total": None if reading.tax_total is None else str(reading.tax_total),
                 "lines": [json.loads(line.model_dump_json()) for line in lines], "problems": reading.problems,
                 "unsure": [name for name, value in found["confidence"].items()
                            if value < 0.6 and found.get(name) not in (None, [], "")]}
        row = BillPhoto(message_id=message_id, sha256=digest, path=str(kept), reading=json.dumps(draft),
                        created_by=ctx.actor.user_id)
        session.add(row)
        session.flush()
        return _draft(row)

    return ctx.run("bill_photo.keep", request, work, Draft, f"bill_photo:{message_id}")


def get(ctx: Context, draft_id: int) -> Draft:
    with ctx.read() as session:
        row = session.get(BillPhoto, draft_id)
        if row is None:
            raise NotFound(what="bill photo", ref=draft_id)
        return _draft(row)


def already_booked(ctx: Context, draft_id: int) -> Draft | None:
    """Another photo of the same bill (the same bytes) that was booked already, if any."""
    with ctx.read() as session:
        row = session.get(BillPhoto, draft_id)
        if row is None:
            raise NotFound(what="bill photo", ref=draft_id)
        twin = session.scalar(select(BillPhoto).where(BillPhoto.sha256 == row.sha256, BillPhoto.id != row.id,
                                                      BillPhoto.state == PhotoState.BOOKED))
        return None if twin is None else _draft(twin)


def change(ctx: Context, draft_id: int, field: str, value: str, *, line: int | None = None) -> Draft:
    """Set one field of a draft (`FIELDS`; `line` is 1-based for the line fields) before it is booked."""
    if field not in FIELDS:
        raise ValidationError(field="field", reason=f"one of {', '.join(FIELDS)}")

    def work(session: Session) -> Draft:
        row = session.get(BillPhoto, draft_id)
        if row is None:
            raise NotFound(what="bill photo", ref=draft_id)
        if row.state is not PhotoState.DRAFT:
            raise ValidationError(field="state", reason=f"this bill is {row.state.value}, it cannot change")
        draft = json.loads(row.reading)
        ctx.actor.require(_permission(draft["kind"]))
        if field.startswith("line_") or field == "remove_line":
            rate = _gst_rate(Draft(id=row.id, state=row.state, **draft))
            if line is None or not 1 <= line <= len(draft["lines"]):
                raise ValidationError(field="line", reason=f"a line from 1 to {len(draft['lines'])}")
            target = draft["lines"][line - 1]
            if field == "remove_line":
                draft["lines"].pop(line - 1)
            elif field == "line_name":
                product_id, product_name = _match_product(ctx, value)
                target.update(name=value.strip(), product_id=product_id, product_name=product_name)
            else:
                key = field.removeprefix("line_")
                target[key] = str(_money(value, field) if key != "quantity" else Decimal(str(value)))
                if key in ("quantity", "rate"):
                    target["amount"] = str((Decimal(target["quantity"]) * Decimal(target["rate"])).quantize(
                        Decimal("0.01")))
            if rate is not None and draft.get("tax_total") is not None:   # the tax follows the lines at its rate
                lines_total = sum((Decimal(str(item["amount"])) for item in draft["lines"]), Decimal(0))
                draft["tax_total"] = str((lines_total * rate / 100).quantize(Decimal("0.01")))
        elif field == "total":
            draft["total"] = str(_money(value, field))
        elif field == "party":
            supplier = _match_supplier(ctx, session, value, None)
            draft["party"], draft["party_id"] = (supplier.name, supplier.id) if supplier else (value.strip(), None)
        elif field == "date":
            draft["date"] = date.fromisoformat(value).isoformat()
        elif field == "kind":
            if value not in ("purchase", "expense"):
                raise ValidationError(field="kind", reason="purchase or expense")
            draft["kind"] = value
        else:
            draft[field] = value.strip()
        draft["unsure"] = [name for name in draft.get("unsure", []) if name != field.removeprefix("line_")]
        row.reading = json.dumps(draft)
        return _draft(row)

    return ctx.run("bill_photo.change", {"id": draft_id, "field": field, "value": value, "line": line}, work, Draft)


def cancel(ctx: Context, draft_id: int) -> Draft:
    """Drop a draft: nothing is booked (the photo stays, as every photo the shop sent does)."""
    def work(session: Session) -> Draft:
        row = session.get(BillPhoto, draft_id)
        if row is None:
            raise NotFound(what="bill photo", ref=draft_id)
        if row.state is PhotoState.DRAFT:
            row.state = PhotoState.CANCELLED
        return _draft(row)

    return ctx.run("bill_photo.cancel", {"id": draft_id}, work, Draft)


def disagreement(draft: Draft) -> Decimal | None:
    """For a purchase whose lines and tax do not add up to its total (to the rupee): what they add up to.
    Booking it would be refused, so the chat asks for the wrong figure first."""
    if draft.kind != "purchase" or draft.total is None:
        return None
    figures = draft.lines_total + (draft.tax_total or 0)
    return figures if abs(figures - draft.total) > 1 else None


def _gst_rate(draft: Draft) -> Decimal | None:
    """The one GST slab (or Nepal's VAT) that the bill's tax is of its lines, when there is one."""
    if not draft.tax_total or not draft.lines_total:
        return Decimal(0) if draft.lines else None
    share = draft.tax_total / draft.lines_total * 100
    for slab in (*GST_SLABS, Decimal(13)):
        if abs(share - slab) <= Decimal("0.1"):
            return slab
    return None


def _book_purchase(ctx: Context, draft: Draft, key: str) -> tuple[str, int, int | None]:
    if not draft.lines:
        raise ValidationError(field="lines", reason="the bill's lines were not read; say them or book it as an "
                                                    "expense")
    supplier_id = draft.party_id
    if supplier_id is None:
        if not draft.party:
            raise ValidationError(field="party", reason="whose bill it is")
        gstin = draft.gstin if draft.gstin and gstin_ids.is_valid(draft.gstin) else None
        supplier_id = parties.add_party(ctx, kind=PartyKind.SUPPLIER, name=draft.party, gstin=gstin,
                                        idempotency_key=f"{key}:supplier").id
    rate = _gst_rate(draft)
    lines = []
    for number, line in enumerate(draft.lines, 1):
        product_id = line.product_id
        if product_id is None:
            if not line.name.strip():
                raise ValidationError(field=f"line {number}", reason="the name of this line's goods")
            product_id = catalog.add_product_as_named(ctx, line.name, unit=line.unit or None, cost_price=line.rate,
                                                      idempotency_key=f"{key}:product:{number}").id
        lines.append(purchases.PurchaseLineIn(product_id=product_id, quantity=line.quantity, unit_price=line.rate,
                                              rate=rate))
    bill = purchases.record_purchase(
        ctx, supplier_id, lines, bill_number=draft.invoice_no or f"PHOTO-{draft.id}", bill_date=draft.date,
        bill_total=draft.total, idempotency_key=key)
    return "purchase", bill.id, supplier_id


def _book_expense(ctx: Context, draft: Draft, key: str) -> tuple[str, int, int | None]:
    if not draft.total:
        raise ValidationError(field="total", reason="the receipt's total")
    at = None if draft.date is None or draft.date >= date.today() else \
        datetime.combine(draft.date, time(12), tzinfo=timezone.utc)
    note = " ".join(part for part in (draft.party or "", f"bill {draft.invoice_no}" if draft.invoice_no else "",
                                      "(photo)") if part)
    expense = expenses.record_expense(ctx, draft.total, draft.category or "other", note=note, at=at,
                                      idempotency_key=key)
    return "expense", expense.expense_id, None


def book(ctx: Context, draft_id: int, *, idempotency_key: str | None = None) -> Draft:
    """Book the draft as a purchase or an expense, once: a booked draft is returned as it is."""
    draft = get(ctx, draft_id)
    if draft.state is PhotoState.BOOKED:
        return draft
    if draft.state is PhotoState.CANCELLED:
        raise ValidationError(field="state", reason="this bill was cancelled; send the photo again to book it")
    ctx.actor.require(_permission(draft.kind))
    key = f"bill_photo:{draft_id}:book"         # one booking per draft, whichever message confirmed it
    ref_type, ref_id, supplier_id = (_book_expense if draft.kind == "expense" else _book_purchase)(ctx, draft, key)

    def work(session: Session) -> Draft:
        row = session.get(BillPhoto, draft_id)
        if row.state is PhotoState.DRAFT:
            row.state, row.ref_type, row.ref_id, row.booked_at = PhotoState.BOOKED, ref_type, ref_id, utcnow()
            if supplier_id is not None:
                row.reading = json.dumps({**json.loads(row.reading), "party_id": supplier_id})
        return _draft(row)

    return ctx.run("bill_photo.book", {"id": draft_id}, work, Draft, idempotency_key)


def photo_of(ctx: Context, ref_type: str, ref_id: int) -> Path:
    """The original photo of a booked purchase or expense."""
    with ctx.read() as session:
        path = session.scalar(select(BillPhoto.path).where(BillPhoto.ref_type == ref_type, BillPhoto.ref_id == ref_id))
    if path is None:
        raise NotFound(what=f"photo of {ref_type}", ref=ref_id)
    return Path(path)


def latest_booked(ctx: Context, *, supplier_id: int | None = None, bill_number: str | None = None) -> Draft:
    """The latest booked photo, of one supplier's bills or with one bill number when given."""
    with ctx.read() as session:
        rows = session.scalars(select(BillPhoto).where(BillPhoto.state == PhotoState.BOOKED)
                               .order_by(BillPhoto.booked_at.desc(), BillPhoto.id.desc())).all()
        for row in rows:
            draft = _draft(row)
            if supplier_id is not None and draft.party_id != supplier_id:
                continue
            if bill_number and (draft.invoice_no or "").upper() != bill_number.strip().upper():
                continue
            return draft
    raise NotFound(what="booked bill photo", ref=bill_number or supplier_id or "")


def path_of(ctx: Context, draft_id: int) -> Path:
    """Where the original photo of draft `draft_id` is kept."""
    with ctx.read() as session:
        row = session.get(BillPhoto, draft_id)
        if row is None:
            raise NotFound(what="bill photo", ref=draft_id)
        return Path(row.path)
