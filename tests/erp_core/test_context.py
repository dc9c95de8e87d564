"""Context.run: one transaction per operation, replayed for a repeated idempotency key."""

from __future__ import annotations

import threading
from decimal import Decimal

from sqlalchemy import func, select

from erp_core import inventory, sales
from erp_core.models import AuditEntry, IdempotencyRecord, Sale
from erp_core.sales import LineIn


def test_the_same_message_arriving_twice_at_once_is_booked_once(db, shop, make_product):
    rice = make_product(stock=10)
    barrier = threading.Barrier(4)
    results = []

    def post() -> None:
        barrier.wait()
        results.append(sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=Decimal(2))],
                                       idempotency_key="wamid.HBgMOTE5ODAwMDAwMDAx"))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len({r.sale_id for r in results}) == 1
    assert inventory.stock_of(shop, rice.id).on_hand == Decimal(8)
    with db.session(shop.tenant_id) as session:
        assert session.scalar(select(func.count()).select_from(Sale)) == 1
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "sale.post")) == 1
