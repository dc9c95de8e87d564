"""One day of a GST-registered shop that sells every way there is, and what its reports must say, worked out by hand.

Shared by the erp_core report tests and the API's: the figures below are written out, not
computed by the code under test.

Chawal is GST-free (0%), Tel carries 5% and Sabun 18%, prices include tax.

| sale                                                    | gross | tax | cost            | paid | due  |
|---------------------------------------------------------|-------|-----|-----------------|------|------|
| bill 1, walk-in, cash: 4 kg Chawal at 50, 10 off        |  190  |  0  | 4 × 40 = 160    | 190  |   0  |
| bill 2, Sharma, udhaar: 2 Tel at 105                    |  210  | 10  | 2 × 80 = 160    |   0  | 210  |
|   (8 Tel come in at 110: Tel's average cost is now 95)  |       |     |                 |      |      |
| invoice, Gupta, UPI: 3 Tel                              |  315  | 15  | 3 × 95 = 285    | 315  |   0  |
| bill 3, Sharma, cash, 1 Tel + 2 kg Chawal, invoiced too |  205  |  5  | 95 + 80 = 175   | 205  |   0  |
| order, Gupta: 5 kg Chawal, dispatched and completed     |  250  |  0  | 5 × 40 = 200    |   0  | 250  |
| credit note, Gupta: 1 Tel back from the invoice         | -105  | -5  | -95 (left at 95)|   0  | -105 |
| total                                                   | 1065  | 25  | 885             | 710  | 355  |

Net sales 1040, gross profit 155, margin 155 / 1040 = 14.90%. Not sales: an order only packed,
and a bill three days earlier (1 kg Chawal, 50 cash, cost 40). Later receipts at other costs
(Tel at 145, Chawal at 50) must not change the cost of what already left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from erp_core import catalog, credit_notes, inventory, invoices, orders, parties, sales
from erp_core.context import Context
from erp_core.credit_notes import ReturnLineIn
from erp_core.enums import OrderStatus
from erp_core.invoices import InvoiceLineIn
from erp_core.sales import LineIn

D = Decimal
GST_SHOP = {"name": "Sharma General Store", "gstin": "27AAPFU0939F1ZV", "state": "Maharashtra"}

DAILY = {"bills": 5, "returns": 1, "sales_total": D("1065.00"), "paid_at_counter": D("710.00"),
         "new_dues": D("355.00"), "payments_received": D("520.00"), "profit": D("155.00")}
"""Payments booked that day: bill 3's 205 and the invoice's 315 (walk-in cash is no khata payment)."""
PROFIT = {"sales": D("1065.00"), "tax": D("25.00"), "net_sales": D("1040.00"), "cost_of_goods": D("885.00"),
          "gross_profit": D("155.00"), "margin": D("14.90")}
EARLIER_BILL = {"total": D("50.00"), "cost": D("40.00")}
SOLD = {"Chawal": (D("11.000"), D("540.00")), "Tel": (D("5.000"), D("525.00")), "Sabun": (D("0"), D("0"))}
"""Quantity and gross value by product, less returns: Chawal 4 + 2 + 5 kg for 190 + 100 + 250, Tel 2 + 3 + 1 - 1
for 210 + 315 + 105 - 105; Sabun was in stock and did not sell. Namak was never in stock."""


@dataclass
class Day:
    """The day's documents and the shop's calendar day they fell on."""

    day: date
    invoice_id: int
    invoiced_bill_id: int
    credit_note_id: int


def shop_today() -> date:
    return datetime.now(ZoneInfo("Asia/Kolkata")).date()


def sell_every_way(ctx: Context) -> Day:
    """Book the day in the table above (the shop must be `GST_SHOP`)."""
    day = shop_today()
    rice = catalog.add_product(ctx, sku="CHAWAL", name="Chawal", unit="kg", selling_price="50", cost_price="40",
                               hsn_code="1006", gst_rate="0")
    oil = catalog.add_product(ctx, sku="TEL", name="Tel", unit="pcs", selling_price="105", cost_price="80",
                              hsn_code="1512", gst_rate="5")
    soap = catalog.add_product(ctx, sku="SABUN", name="Sabun", unit="pcs", selling_price="118", cost_price="70",
                               hsn_code="3401", gst_rate="18")
    catalog.add_product(ctx, sku="NAMAK", name="Namak", unit="kg", selling_price="20", cost_price="15",
                        hsn_code="2501", gst_rate="0")
    three_days_ago = datetime.now(timezone.utc) - timedelta(days=3)
    for product, qty, cost in ((rice, 100, "40"), (oil, 10, "80"), (soap, 10, "70")):
        inventory.receive_stock(ctx, product.id, qty, cost, at=three_days_ago - timedelta(hours=1))
    sharma = parties.add_party(ctx, kind="customer", name="Sharma ji")
    gupta = parties.add_party(ctx, kind="customer", name="Gupta ji")

    sales.post_sale(ctx, [LineIn(product_id=rice.id, quantity=D(1))], at=three_days_ago)
    sales.post_sale(ctx, [LineIn(product_id=rice.id, quantity=D(4))], discount="10")
    sales.post_sale(ctx, [LineIn(product_id=oil.id, quantity=D(2))], party_id=sharma.id, payment_mode="credit")
    inventory.receive_stock(ctx, oil.id, 8, "110")
    invoice = invoices.create_invoice(ctx, [InvoiceLineIn(product_id=oil.id, quantity=D(3))], party_id=gupta.id,
                                      payment_mode="upi")
    bill = sales.post_sale(ctx, [LineIn(product_id=oil.id, quantity=D(1)), LineIn(product_id=rice.id, quantity=D(2))],
                           party_id=sharma.id)
    invoices.invoice_for_sale(ctx, bill.sale_id)
    order = orders.place_order(ctx, gupta.id, [LineIn(product_id=rice.id, quantity=D(5))])
    for step in (OrderStatus.ACCEPTED, OrderStatus.PACKED, OrderStatus.DISPATCHED, OrderStatus.DELIVERED,
                 OrderStatus.COMPLETED):
        orders.transition(ctx, order.id, step)
    packed = orders.place_order(ctx, sharma.id, [LineIn(product_id=oil.id, quantity=D(1))])
    for step in (OrderStatus.ACCEPTED, OrderStatus.PACKED):
        orders.transition(ctx, packed.id, step)
    note = credit_notes.credit_note(ctx, invoice.id, [ReturnLineIn(product_id=oil.id, quantity=D(1))],
                                    reason="leaking tin")
    inventory.receive_stock(ctx, oil.id, 7, "145")
    inventory.receive_stock(ctx, rice.id, 12, "50")
    return Day(day=day, invoice_id=invoice.id, invoiced_bill_id=bill.sale_id, credit_note_id=note.id)
