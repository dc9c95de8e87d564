"""Sale returns: stock back at the cost it left with, the khata credited or the money paid back, invoiced sales
through a credit note, never more than was sold, nothing written when refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from erp_core import inventory, invoices, ledger, returns, sales
from erp_core.check import check_tenant
from erp_core.context import Context
from erp_core.enums import EntryKind, MovementKind, RefundMode, Role
from erp_core.errors import NotFound, PermissionDenied, ValidationError
from erp_core.inventory import movements, stock_of
from erp_core.invoices import InvoiceLineIn
from erp_core.models import CreditEntry, SaleReturn, StockMovement
from erp_core.permissions import Actor
from erp_core.returns import ReturnLineIn
from erp_core.sales import LineIn
from tests.erp_core.conftest import khata

D = Decimal


def as_role(ctx: Context, role: Role) -> Context:
    return Context(ctx.db, ctx.tenant_id, Actor(user_id=None, role=role))


def rows(ctx: Context) -> tuple[int, int, int]:
    """Return documents, stock movements and khata entries of the shop: what a refused return must not add."""
    with ctx.db.session(ctx.tenant_id) as session:
        return tuple(session.scalar(select(func.count()).select_from(model)) for model in
                     (SaleReturn, StockMovement, CreditEntry))


def test_a_return_against_a_bill_comes_back_at_the_cost_it_left_with_and_credits_the_khata(
        db, shop, make_product, make_customer):
    oil = make_product("Sarson Tel", stock=10, cost="40", price="50", unit="l")
    sharma = make_customer("Sharma ji")
    bill = sales.post_sale(shop, [LineIn(product_id=oil.id, quantity=D(4))], party_id=sharma.id,
                           payment_mode="credit")
    inventory.receive_stock(shop, oil.id, 10, "60")  # the average is now (6*40 + 10*60) / 16 = 52.50
    back = returns.sale_return(shop, [ReturnLineIn(product_id=oil.id, quantity=D(1))], sale_id=bill.sale_id,
                               refund_mode="khata", reason="leaking")
    assert (back.total, back.cost, back.party_id, back.credit_note_id) == (D("50.00"), D("40.00"), sharma.id, None)
    assert back.lines[0].unit_cost == D("40.0000") and back.party_balance == D("150.00")
    latest = movements(shop, oil.id)[0]
    assert (latest.kind, latest.on_hand_delta, latest.unit_cost) == (MovementKind.RETURN, D(1), D(40))
    assert stock_of(shop, oil.id).on_hand == D(17)
    assert khata(shop, sharma.id)[-1] == (EntryKind.RETURN, D("0.00"), D("50.00"))
    assert ledger.balance(shop, sharma.id).balance == D("150.00")

    before = rows(shop)
    with pytest.raises(ValidationError, match="only 3"):
        returns.sale_return(shop, [ReturnLineIn(product_id=oil.id, quantity=D(4))], sale_id=bill.sale_id,
                            refund_mode="khata")
    assert rows(shop) == before and stock_of(shop, oil.id).on_hand == D(17)
    rest = returns.sale_return(shop, [ReturnLineIn(product_id=oil.id, quantity=D(3))], sale_id=bill.sale_id,
                               refund_mode="khata")
    assert rest.number == back.number + 1 and ledger.balance(shop, sharma.id).balance == D("0.00")
    assert check_tenant(db, shop.tenant_id).ok


def test_a_walk_in_customer_gets_the_money_back_at_the_bill_price_less_its_discount(shop, make_product):
    soap = make_product("Soap", stock=10, cost="30", price="50", unit="pcs")
    bill = sales.post_sale(shop, [LineIn(product_id=soap.id, quantity=D(2))], discount="10")  # 90 for 2
    with pytest.raises(ValidationError, match="khata"):
        returns.sale_return(shop, [ReturnLineIn(product_id=soap.id, quantity=D(1))], sale_id=bill.sale_id,
                            refund_mode="khata")
    back = returns.sale_return(shop, [ReturnLineIn(product_id=soap.id, quantity=D(1))], sale_id=bill.sale_id,
                               refund_mode="cash")
    assert (back.total, back.refund_mode, back.party_id, back.party_balance) == (D("45.00"), RefundMode.CASH,
                                                                                 None, None)
    assert stock_of(shop, soap.id).on_hand == D(9)


def test_a_customer_who_paid_is_refunded_and_the_khata_shows_both(shop, make_product, make_customer):
    rice = make_product("Chawal", stock=10, cost="40", price="60")
    gupta = make_customer("Gupta ji")
    bill = sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(2))], party_id=gupta.id,
                           payment_mode="upi")
    back = returns.sale_return(shop, [ReturnLineIn(product_id=rice.id, quantity=D(2))], sale_id=bill.sale_id,
                               refund_mode="upi", reason="wrong rice")
    assert khata(shop, gupta.id)[-2:] == [(EntryKind.RETURN, D("0.00"), D("120.00")),
                                          (EntryKind.REFUND, D("120.00"), D("0.00"))]
    assert back.party_balance == D("0.00") == ledger.balance(shop, gupta.id).balance


def test_goods_back_without_a_bill_come_in_at_the_average_cost_now(shop, make_product, make_customer):
    dal = make_product("Toor Dal", stock=5, cost="100", price="140")
    verma = make_customer("Verma ji")
    back = returns.sale_return(shop, [ReturnLineIn(product_id=dal.id, quantity=D("0.5"), unit_price=D("130"))],
                               party_id=verma.id, refund_mode="khata")
    assert (back.total, back.cost, back.sale_id) == (D("65.00"), D("50.00"), None)
    assert ledger.balance(shop, verma.id).balance == D("-65.00")  # the shop owes Verma ji now
    at_list_price = returns.sale_return(shop, [ReturnLineIn(product_id=dal.id, quantity=D(1))], refund_mode="cash")
    assert at_list_price.total == D("140.00")
    with pytest.raises(ValidationError, match="prices of their bill"):
        bill = sales.post_sale(shop, [LineIn(product_id=dal.id, quantity=D(1))])
        returns.sale_return(shop, [ReturnLineIn(product_id=dal.id, quantity=D(1), unit_price=D(1))],
                            sale_id=bill.sale_id, refund_mode="cash")


def test_an_invoiced_sale_comes_back_through_a_credit_note(db, gst_shop, make_product, make_customer):
    soap = make_product("Soap", ctx=gst_shop, stock=10, cost="20", price="38.50", gst_rate="18", unit="pcs")
    iyer = make_customer("Iyer", ctx=gst_shop)
    invoice = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=soap.id, quantity=D(4))],
                                      party_id=iyer.id)
    inventory.receive_stock(gst_shop, soap.id, 6, "30")
    back = returns.sale_return(gst_shop, [ReturnLineIn(product_id=soap.id, quantity=D(1))], invoice_id=invoice.id,
                               refund_mode="khata", reason="damaged")
    assert back.credit_note_number.startswith("CN/") and back.total == D("39.00")  # taxed as on the invoice
    assert back.lines[0].unit_cost == D("20.0000")  # what the invoice took it out at, not today's average
    assert khata(gst_shop, iyer.id)[-1] == (EntryKind.CREDIT_NOTE, D("0.00"), D("39.00"))
    assert movements(gst_shop, soap.id)[0].unit_cost == D(20)
    with pytest.raises(ValidationError, match="only 3"):
        returns.sale_return(gst_shop, [ReturnLineIn(product_id=soap.id, quantity=D(4))], invoice_id=invoice.id,
                            refund_mode="cash")
    assert check_tenant(db, gst_shop.tenant_id).ok


def test_a_bill_that_was_invoiced_comes_back_through_its_invoice(gst_shop, make_product, make_customer):
    atta = make_product("Atta", ctx=gst_shop, stock=10, cost="30", price="45", gst_rate="5", hsn_code="1101")
    rao = make_customer("Rao", ctx=gst_shop)
    bill = sales.post_sale(gst_shop, [LineIn(product_id=atta.id, quantity=D(2))], party_id=rao.id,
                           payment_mode="cash")
    invoice = invoices.invoice_for_sale(gst_shop, bill.sale_id)
    back = returns.sale_return(gst_shop, [ReturnLineIn(product_id=atta.id, quantity=D(1))], sale_id=bill.sale_id,
                               refund_mode="cash")
    assert (back.invoice_id, back.sale_id, back.lines[0].unit_cost) == (invoice.id, bill.sale_id, D("30.0000"))
    assert [k for k, _, _ in khata(gst_shop, rao.id)[-2:]] == [EntryKind.CREDIT_NOTE, EntryKind.REFUND]
    assert ledger.balance(gst_shop, rao.id).balance == D("0.00")


def test_refusals_write_nothing_and_a_replay_books_once(shop, make_product, make_customer):
    rice = make_product("Chawal", stock=10)
    other = make_product("Cheeni", stock=10)
    sharma, gupta = make_customer("Sharma ji"), make_customer("Gupta ji")
    bill = sales.post_sale(shop, [LineIn(product_id=rice.id, quantity=D(2))], party_id=sharma.id,
                           payment_mode="credit")
    line = [ReturnLineIn(product_id=rice.id, quantity=D(1))]
    before = rows(shop)
    for attempt in (
        lambda: returns.sale_return(as_role(shop, Role.CUSTOMER), line, sale_id=bill.sale_id, refund_mode="khata"),
        lambda: returns.sale_return(shop, line, sale_id=bill.sale_id, party_id=gupta.id, refund_mode="khata"),
        lambda: returns.sale_return(shop, [ReturnLineIn(product_id=other.id, quantity=D(1))], sale_id=bill.sale_id,
                                    refund_mode="khata"),
        lambda: returns.sale_return(shop, line + line, sale_id=bill.sale_id, refund_mode="khata"),
        lambda: returns.sale_return(shop, line, sale_id=bill.sale_id, refund_mode="cheque"),
        lambda: returns.sale_return(shop, line, sale_id=999_999, refund_mode="cash"),
        lambda: returns.sale_return(shop, [], refund_mode="cash"),
    ):
        with pytest.raises((PermissionDenied, ValidationError, NotFound)):
            attempt()
    assert rows(shop) == before
    staff = as_role(shop, Role.STAFF)
    first = returns.sale_return(staff, line, sale_id=bill.sale_id, refund_mode="khata", idempotency_key="ret-1")
    again = returns.sale_return(staff, line, sale_id=bill.sale_id, refund_mode="khata", idempotency_key="ret-1")
    assert again == first and rows(shop)[0] == before[0] + 1
    assert ledger.balance(shop, sharma.id).balance == D("50.00")


def test_the_latest_bill_or_invoice_a_return_can_come_from(gst_shop, make_product, make_customer):
    atta = make_product("Atta", ctx=gst_shop, stock=20, cost="30", price="45", gst_rate="5", hsn_code="1101")
    soap = make_product("Soap", ctx=gst_shop, stock=20, cost="20", price="38.50", gst_rate="18", unit="pcs")
    rao, other = make_customer("Rao", ctx=gst_shop), make_customer("Mehta", ctx=gst_shop)
    assert returns.return_source(gst_shop, rao.id, {atta.id: D(1)}) is None
    old = sales.post_sale(gst_shop, [LineIn(product_id=atta.id, quantity=D(3))], party_id=rao.id,
                          payment_mode="credit")
    sales.post_sale(gst_shop, [LineIn(product_id=atta.id, quantity=D(5))], party_id=other.id)
    latest = sales.post_sale(gst_shop, [LineIn(product_id=atta.id, quantity=D(2)),
                                        LineIn(product_id=soap.id, quantity=D(1))], party_id=rao.id,
                             discount="10", payment_mode="credit")
    found = returns.return_source(gst_shop, rao.id, {atta.id: D(1)})
    assert (found.sale_id, found.invoice_id, found.number) == (latest.sale_id, None, str(latest.number))
    assert found.unit_prices[atta.id] == (D(45) * latest.total / latest.subtotal).quantize(D("0.01"))
    # more than the latest bill sold: the older bill that sold enough
    assert returns.return_source(gst_shop, rao.id, {atta.id: D(3)}).sale_id == old.sale_id
    returns.sale_return(gst_shop, [ReturnLineIn(product_id=atta.id, quantity=D(2))], sale_id=latest.sale_id,
                        refund_mode="khata")
    assert returns.return_source(gst_shop, rao.id, {atta.id: D(1)}).sale_id == old.sale_id  # the latest is back
    invoice = invoices.create_invoice(gst_shop, [InvoiceLineIn(product_id=soap.id, quantity=D(4))], party_id=rao.id)
    on_invoice = returns.return_source(gst_shop, rao.id, {soap.id: D(2)})
    assert (on_invoice.sale_id, on_invoice.invoice_id, on_invoice.number) == (None, invoice.id, invoice.number)
    [line] = invoice.lines
    assert on_invoice.unit_prices[soap.id] == (line.total / 4).quantize(D("0.01"))  # tax in, as the line charged
    returns.sale_return(gst_shop, [ReturnLineIn(product_id=soap.id, quantity=D(4))], invoice_id=invoice.id,
                        refund_mode="khata")
    assert returns.return_source(gst_shop, rao.id, {soap.id: D(2)}) is None
    assert returns.return_source(gst_shop, rao.id, {atta.id: D(4)}) is None
    with pytest.raises(PermissionDenied):
        returns.return_source(as_role(gst_shop, Role.CUSTOMER), rao.id, {atta.id: D(1)})
