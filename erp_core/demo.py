"""A demo kirana shop with products, customers and a few days of trade, so there is something to ask about."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import update

from erp_core import catalog, inventory, ledger, orders, parties, sales, shop_settings, tenants
from erp_core.columns import utcnow
from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import NoticeState, OrderStatus, PartyKind, PaymentMode, Role
from erp_core.errors import InsufficientStock
from erp_core.models.notices import Notice
from erp_core.permissions import Actor
from erp_core.sales import LineIn

DEMO_PHONE_NUMBER_ID = "100000000000001"
DEMO_OWNER_WA_ID = "919800000001"
DEMO_STAFF_WA_ID = "919800000002"
DEMO_SUMMARY_TIME = "21:00"
"""The owner's daily closing arrives at 9 at night, after the shop shuts."""

# sku, name, unit, hsn, gst %, mrp, selling price, cost, reorder point, opening stock, aliases
PRODUCTS = [
    ("MAGGI-70", "Maggi Noodles 70g", "packet", "1902", 12, 14, 14, 12, 24, 120, ["maggi", "मैगी", "maggi noodles"]),
    ("MAGGI-280", "Maggi Noodles 280g Family Pack", "packet", "1902", 12, 56, 56, 49, 6, 20, ["maggi family pack"]),
    ("RICE-BAS", "Basmati Chawal", "kg", "1006", 5, None, 90, 75, 20, 150, ["chawal", "चावल", "rice", "चामल", "basmati"]),
    ("ATTA-10", "Aashirvaad Atta 10kg", "bag", "1101", 5, 480, 460, 420, 5, 25, ["atta", "आटा", "flour", "pitho", "पिठो"]),
    ("SUGAR", "Cheeni", "kg", "1701", 5, None, 45, 40, 25, 100, ["sugar", "चीनी", "chini", "चिनी"]),
    ("TOOR-DAL", "Toor Dal", "kg", "0713", 0, None, 160, 140, 10, 60, ["arhar dal", "तूर दाल", "dal", "दाल"]),
    ("PARLE-G", "Parle-G Biscuit", "packet", "1905", 18, 10, 10, "8.50", 30, 200, ["parle g", "biscuit", "पारले जी"]),
    ("TEA-250", "Tata Tea Premium 250g", "packet", "0902", 5, 150, 145, 128, 10, 40, ["chai patti", "tea", "चाय पत्ती"]),
    ("OIL-1L", "Fortune Sarson Tel 1L", "l", "1514", 5, 190, 185, 165, 10, 48, ["sarson tel", "mustard oil", "सरसों तेल"]),
    ("SALT-1", "Tata Namak 1kg", "packet", "2501", 0, 28, 28, 24, 20, 60, ["namak", "salt", "नमक", "नुन"]),
    ("SURF-1", "Surf Excel 1kg", "packet", "3402", 18, 140, 135, 118, 10, 8, ["surf", "detergent", "सर्फ"]),
    ("BUTTER-100", "Amul Butter 100g", "packet", "0405", 12, 58, 58, 52, 10, 30, ["butter", "makhan", "मक्खन"]),
    ("EGGS", "Ande", "dozen", "0407", 0, None, 84, 72, 5, 20, ["eggs", "anda", "अंडे"]),
]
# name, phone, credit limit, opening balance
CUSTOMERS = [
    ("Sharma ji", "919811111111", 10000, 1200),
    ("Gupta ji", "919822222222", 20000, 0),
    ("Verma ji", "919833333333", 5000, 450),
    ("Iyer Madam", "919844444444", None, 0),
]
SUPPLIER = ("Balaji Traders", "919855555555")


def seed_demo(db: Database, days: int = 5, seed: int = 7,
              phone_number_id: str = DEMO_PHONE_NUMBER_ID) -> tenants.TenantInfo:
    """Create the demo shop once (on `phone_number_id`); if it already exists, leave it as it is and return it."""
    existing = tenants.find_tenant(db, phone_number_id)
    if existing is not None:
        return existing
    shop = tenants.add_tenant(
        db, phone_number_id=phone_number_id, name="Shree Ganesh Kirana Store",
        address="12 Tilak Road, Sadashiv Peth, Pune 411030", state="Maharashtra", gstin="27AAPFU0939F1ZV",
    )
    ctx = Context(db, shop.id, Actor.system())
    tenants.add_user(ctx, wa_id=DEMO_OWNER_WA_ID, role=Role.OWNER, name="Ramesh (owner)")
    tenants.add_user(ctx, wa_id=DEMO_STAFF_WA_ID, role=Role.STAFF, name="Sunil (counter)")
    start = utcnow() - timedelta(days=days)
    products = []
    for sku, name, unit, hsn, gst, mrp, price, cost, reorder, stock, aliases in PRODUCTS:
        product = catalog.add_product(
            ctx, sku=sku, name=name, unit=unit, hsn_code=hsn, gst_rate=gst, mrp=mrp, selling_price=price,
            cost_price=str(cost), reorder_point=reorder, lead_time_days=2, aliases=aliases,
        )
        inventory.receive_stock(ctx, product.id, stock, str(cost), note="opening stock", at=start)
        products.append(product)
    customers = []
    for name, phone, limit, opening in CUSTOMERS:
        customers.append(parties.add_party(ctx, kind=PartyKind.CUSTOMER, name=name, phone=phone,
                                           state="Maharashtra", credit_limit=limit, opening_balance=opening))
    parties.add_party(ctx, kind=PartyKind.SUPPLIER, name=SUPPLIER[0], phone=SUPPLIER[1], state="Maharashtra")
    tenants.add_user(ctx, wa_id=CUSTOMERS[0][1], role=Role.CUSTOMER, name=CUSTOMERS[0][0], party_id=customers[0].id)
    _trade(ctx, products, customers, start, days, random.Random(seed))
    shop_settings.update_settings(ctx, daily_summary_time=DEMO_SUMMARY_TIME)
    _quiet_history(ctx)
    return shop


def _quiet_history(ctx: Context) -> None:
    """The receipts and alerts the made-up history queued are not sent: nobody is at those numbers."""
    with ctx.db.session(ctx.tenant_id) as session:
        session.execute(update(Notice).where(Notice.state == NoticeState.PENDING)
                        .values(state=NoticeState.SKIPPED, reason="demo history"))
        session.commit()


def _trade(ctx: Context, products: list, customers: list, start, days: int, rng: random.Random) -> None:
    for day in range(days):
        for bill in range(rng.randint(6, 10)):
            at = start + timedelta(days=day, hours=9 + bill, minutes=rng.randint(0, 59))
            lines = [LineIn(product_id=p.id, quantity=Decimal(rng.randint(1, 3)))
                     for p in rng.sample(products, rng.randint(1, 3))]
            customer = rng.choice(customers) if rng.random() < 0.4 else None
            mode = rng.choice([PaymentMode.CASH, PaymentMode.UPI, PaymentMode.UPI])
            paid = None
            if customer is not None and rng.random() < 0.5:
                mode, paid = PaymentMode.CREDIT, None
            try:
                sales.post_sale(ctx, lines, party_id=customer.id if customer else None, payment_mode=mode,
                                paid=paid, at=at)
            except InsufficientStock:
                continue
        if day == days - 2:
            ledger.record_payment(ctx, customers[0].id, 500, PaymentMode.UPI, reference="demo UPI",
                                  at=start + timedelta(days=day, hours=19))
    order = orders.create_order(ctx, customers[1].id, [LineIn(product_id=products[2].id, quantity=Decimal(10))],
                                note="Gupta ji ka monthly chawal")
    orders.transition(ctx, order.id, OrderStatus.CONFIRMED)
