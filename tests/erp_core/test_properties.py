"""Random sequences of business operations keep the books consistent.

A hypothesis state machine drives a fresh shop through stock receipts and
adjustments, cash and credit sales, payments, khata reversals, orders, supplier
bills with batches, goods sent back to the supplier and payments to it
(including operations that must fail with a domain error), while keeping its
own model of stock, batches and balances. After every step the stored stock,
batches and balances must equal the model; at the end `check_tenant` must find
nothing wrong and the khata must hold exactly the entries the model expects.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from erp_core import catalog, inventory, ledger, orders, parties, purchases, sales
from erp_core.check import check_tenant
from erp_core.enums import EntryKind, OrderStatus
from erp_core.errors import DomainError, InsufficientStock, InvalidTransition, ValidationError
from erp_core.models import CreditEntry, PartyBalance, StockBatch, StockSummary
from erp_core.purchases import PurchaseLineIn, ReturnedLineIn
from erp_core.sales import LineIn

D = Decimal
S = OrderStatus
PAISA = D("0.01")
PRICES = (D("50.00"), D("12.50"), D("7.25"))
OPENINGS = (D("0"), D("100.00"), D("-50.00"))
CREDIT_LIMITS = (None, D("300.00"), None)
LEGAL = {
    S.DRAFT: (S.CONFIRMED, S.CANCELLED),
    S.CONFIRMED: (S.ACCEPTED, S.REJECTED, S.CANCELLED),
    S.ACCEPTED: (S.PACKED, S.CANCELLED),
    S.PACKED: (S.DISPATCHED, S.CANCELLED),
    S.DISPATCHED: (S.DELIVERED,),
    S.DELIVERED: (S.COMPLETED,),
}
HOLDS_STOCK = {S.CONFIRMED, S.ACCEPTED, S.PACKED}
IN_KHATA_UNTIL_CANCEL = {S.ACCEPTED, S.PACKED}

BATCH_EXPIRY = {"A": 10, "B": 40}
"""Batch → days until it expires (never expired here: every sale may take from every batch)."""
quantities = st.integers(1, 24).map(lambda n: D(n) / 4)  # 0.25 .. 6 in quarters
lines = st.lists(st.tuples(st.integers(0, len(PRICES) - 1), quantities), min_size=1, max_size=3)


@dataclass
class Entry:
    party: int
    kind: EntryKind
    debit: Decimal
    credit: Decimal
    reverses: int | None = None
    """Index (in the model's list) of the entry this one reverses."""
    reversed: bool = False


@dataclass
class ModelOrder:
    id: int
    party: int
    lines: list[tuple[int, Decimal]]
    total: Decimal
    status: OrderStatus = S.DRAFT
    order_entry: int | None = None


@dataclass
class Books:
    """The test's own idea of the shop: stock per product, balance per party, every khata entry."""

    on_hand: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    reserved: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    balance: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    entries: list[Entry] = field(default_factory=list)
    batches: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    """Stock per (product, batch), in the order the batches were first received."""

    def take(self, product: int, qty: Decimal, batch: str | None = None) -> None:
        """Goods out: from the batch named, else first-expiring first, then stock received without a batch."""
        self.on_hand[product] -= qty
        if batch is not None:
            self.batches[product, batch] -= qty
            return
        for name in sorted((b for p, b in self.batches if p == product), key=BATCH_EXPIRY.get):
            used = min(qty, self.batches[product, name])
            self.batches[product, name] -= used
            qty -= used

    def post(self, party: int, kind: EntryKind, debit: Decimal = D(0), credit: Decimal = D(0),
             reverses: int | None = None) -> int:
        self.entries.append(Entry(party, kind, debit, credit, reverses))
        self.balance[party] += debit - credit
        if reverses is not None:
            self.entries[reverses].reversed = True
        return len(self.entries) - 1

    def available(self, product: int) -> Decimal:
        return self.on_hand[product] - self.reserved[product]

    def short(self, wanted: list[tuple[int, Decimal]]) -> bool:
        per_product: dict[int, Decimal] = defaultdict(Decimal)
        for product, qty in wanted:
            per_product[product] += qty
        return any(qty > self.available(product) for product, qty in per_product.items())


def line_total(qty: Decimal, price: Decimal) -> Decimal:
    return (qty * price).quantize(PAISA, ROUND_HALF_UP)


def run_books_machine(db, new_shop) -> None:
    class ShopBooks(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.ctx = None
            self.books = Books()
            self.products: list[int] = []
            self.parties: list[int] = []
            self.orders: list[ModelOrder] = []
            self.supplier: int | None = None
            self.bills: list[tuple[int, dict[int, tuple[Decimal, str | None]]]] = []
            """Booked bills: id, and per product the quantity still returnable and its batch."""

        @initialize(opening_stock=st.lists(st.integers(0, 40), min_size=len(PRICES), max_size=len(PRICES)))
        def open_shop(self, opening_stock: list[int]) -> None:
            self.ctx = new_shop()
            for i, (price, stock) in enumerate(zip(PRICES, opening_stock)):
                ref = catalog.add_product(self.ctx, sku=f"P{i}", name=f"Product {i}", unit="kg",
                                          selling_price=price, cost_price="10")
                self.products.append(ref.id)
                self.books.on_hand[ref.id] = D(0)
                if stock:
                    inventory.receive_stock(self.ctx, ref.id, stock, "10")
                    self.books.on_hand[ref.id] += stock
            for i, (opening, limit) in enumerate(zip(OPENINGS, CREDIT_LIMITS)):
                ref = parties.add_party(self.ctx, kind="customer", name=f"Customer {i}", opening_balance=opening,
                                        credit_limit=limit)
                self.parties.append(ref.id)
                self.books.balance[ref.id] = D(0)
                if opening:
                    self.books.post(ref.id, EntryKind.OPENING, max(opening, D(0)), max(-opening, D(0)))
            self.supplier = parties.add_party(self.ctx, kind="supplier", name="Balaji Traders").id
            self.books.balance[self.supplier] = D(0)

        def _lines(self, drawn: list[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
            return [(self.products[i], qty) for i, qty in drawn]

        def _price(self, product: int) -> Decimal:
            return PRICES[self.products.index(product)]

        def _expect(self, error: type[DomainError] | None, call) -> object:
            """Run `call`; it must raise exactly `error` (or nothing when `error` is None)."""
            if error is None:
                return call()
            try:
                call()
            except error:
                return None
            raise AssertionError(f"expected {error.__name__}")

        @rule(product=st.integers(0, len(PRICES) - 1), qty=quantities, cost=st.sampled_from(["10", "12.34", "9"]))
        def receive(self, product: int, qty: Decimal, cost: str) -> None:
            pid = self.products[product]
            result = inventory.receive_stock(self.ctx, pid, qty, cost)
            self.books.on_hand[pid] += qty
            assert result.stock.on_hand == self.books.on_hand[pid]

        @rule(product=st.integers(0, len(PRICES) - 1), delta=st.integers(-8, 8).filter(bool))
        def adjust(self, product: int, delta: int) -> None:
            pid = self.products[product]
            short = delta < 0 and self.books.available(pid) + delta < 0
            result = self._expect(InsufficientStock if short else None,
                                  lambda: inventory.adjust_stock(self.ctx, pid, delta, "count"))
            if not short:
                if delta > 0:
                    self.books.on_hand[pid] += delta
                else:
                    self.books.take(pid, D(-delta))
                assert result.stock.available == self.books.available(pid)

        @rule(drawn=lines, party=st.sampled_from([None, 0, 1, 2]), credit=st.booleans(),
              paid=st.sampled_from(["all", "half", "none"]), discount=st.sampled_from(["0", "1.50", "40"]))
        def sell(self, drawn, party, credit, paid, discount) -> None:
            wanted = self._lines(drawn)
            party_id = None if party is None else self.parties[party]
            subtotal = sum((line_total(qty, self._price(pid)) for pid, qty in wanted), D(0))
            total = subtotal - D(discount)
            amount_paid = D(0) if credit else {"all": total, "half": (total / 2).quantize(PAISA, ROUND_DOWN),
                                               "none": D(0)}[paid]
            due = total - amount_paid
            if D(discount) > subtotal:
                error = ValidationError
            elif due > 0 and party_id is None:
                error = ValidationError
            elif self.books.short(wanted):
                error = InsufficientStock
            else:
                error = None
            over_limit = (party_id is not None and CREDIT_LIMITS[party] is not None and due > 0
                          and self.books.balance[party_id] + due > CREDIT_LIMITS[party])
            result = self._expect(error, lambda: sales.post_sale(
                self.ctx, [LineIn(product_id=pid, quantity=qty) for pid, qty in wanted], party_id=party_id,
                discount=discount, payment_mode="credit" if credit else "cash",
                paid=None if credit or paid == "all" else str(amount_paid)))
            if error is not None:
                return
            for pid, qty in wanted:
                self.books.take(pid, qty)
            if party_id is not None:
                self.books.post(party_id, EntryKind.SALE, debit=total)
                if amount_paid > 0:
                    self.books.post(party_id, EntryKind.PAYMENT, credit=amount_paid)
            assert (result.total, result.paid, result.due) == (total, amount_paid, due)
            assert result.warnings == (["credit_limit_exceeded"] if over_limit else [])
            assert result.party_balance == (None if party_id is None else self.books.balance[party_id])

        @rule(drawn=st.lists(st.tuples(st.integers(0, len(PRICES) - 1), quantities), min_size=1, max_size=3,
                             unique_by=lambda line: line[0]),
              batch=st.sampled_from([None, "A", "B"]), paid=st.sampled_from(["none", "all", "half"]))
        def buy(self, drawn, batch: str | None, paid: str) -> None:
            """A supplier bill at 10.00 a unit (no tax: an unregistered supplier), perhaps of a batch."""
            wanted = self._lines(drawn)
            expiry = None if batch is None else date.today() + timedelta(days=BATCH_EXPIRY[batch])
            total = sum((line_total(qty, D(10)) for _, qty in wanted), D(0)).quantize(PAISA, ROUND_HALF_UP)
            total = total.quantize(D(1), ROUND_HALF_UP).quantize(PAISA)
            amount_paid = {"none": D(0), "all": total, "half": (total / 2).quantize(PAISA, ROUND_DOWN)}[paid]
            view = purchases.record_purchase(
                self.ctx, self.supplier,
                [PurchaseLineIn(product_id=pid, quantity=qty, unit_price=D(10), batch_no=batch, expiry_date=expiry)
                 for pid, qty in wanted], bill_number=f"B{len(self.bills) + 1}",
                payment_mode="credit" if paid == "none" else "cash", paid=str(amount_paid) if paid == "half" else None)
            for pid, qty in wanted:
                self.books.on_hand[pid] += qty
                if batch is not None:
                    self.books.batches[pid, batch] = self.books.batches.get((pid, batch), D(0)) + qty
            self.books.post(self.supplier, EntryKind.PURCHASE, credit=total)
            if amount_paid > 0:
                self.books.post(self.supplier, EntryKind.SUPPLIER_PAYMENT, debit=amount_paid)
            self.bills.append((view.id, {pid: (qty, batch) for pid, qty in wanted}))
            assert view.total == total and view.owed == -self.books.balance[self.supplier]

        @precondition(lambda self: self.bills)
        @rule(pick=st.integers(0, 10_000), which=st.integers(0, 2), qty=quantities)
        def send_back(self, pick: int, which: int, qty: Decimal) -> None:
            """Goods back to the supplier on a debit note: out of the bill's batch, never more than it brought."""
            bill_id, lines = self.bills[pick % len(self.bills)]
            pid = list(lines)[which % len(lines)]
            left, batch = lines[pid]
            if qty > left:
                error = ValidationError
            elif self.books.available(pid) < qty:
                error = InsufficientStock
            elif batch is not None and self.books.batches[pid, batch] < qty:
                error = ValidationError
            else:
                error = None
            view = self._expect(error, lambda: purchases.purchase_return(
                self.ctx, bill_id, [ReturnedLineIn(product_id=pid, quantity=qty)]))
            if error is not None:
                return
            total = line_total(qty, D(10)).quantize(D(1), ROUND_HALF_UP)
            self.books.take(pid, qty, batch)
            lines[pid] = (left - qty, batch)
            self.books.post(self.supplier, EntryKind.DEBIT_NOTE, debit=total)
            assert view.total == total

        @rule(amount=st.sampled_from(["5", "37.50"]))
        def pay_supplier(self, amount: str) -> None:
            result = purchases.pay_supplier(self.ctx, self.supplier, amount, "upi")
            self.books.post(self.supplier, EntryKind.SUPPLIER_PAYMENT, debit=D(amount))
            assert result.owed == -self.books.balance[self.supplier]

        @rule(party=st.integers(0, 2), amount=st.sampled_from(["1", "25.50", "100"]))
        def pay(self, party: int, amount: str) -> None:
            party_id = self.parties[party]
            result = ledger.record_payment(self.ctx, party_id, amount)
            self.books.post(party_id, EntryKind.PAYMENT, credit=D(amount))
            assert result.balance == self.books.balance[party_id]

        @precondition(lambda self: self.books.entries)
        @rule(pick=st.integers(0, 10_000), anything=st.sampled_from([False, False, False, True]))
        def reverse(self, pick: int, anything: bool) -> None:
            # Mostly an entry that may be reversed; sometimes any entry, which may have to be refused.
            reversible = [i for i, e in enumerate(self.books.entries)
                          if e.kind is not EntryKind.REVERSAL and not e.reversed]
            candidates = reversible if reversible and not anything else range(len(self.books.entries))
            index = candidates[pick % len(candidates)]
            entry = self.books.entries[index]
            with self.ctx.db.session(self.ctx.tenant_id) as session:
                ids = session.scalars(select(CreditEntry.id).order_by(CreditEntry.id)).all()
            assert len(ids) == len(self.books.entries)
            refused = entry.kind is EntryKind.REVERSAL or entry.reversed
            result = self._expect(ValidationError if refused else None,
                                  lambda: ledger.reverse_entry(self.ctx, ids[index], "mistake"))
            if not refused:
                self.books.post(entry.party, EntryKind.REVERSAL, debit=entry.credit, credit=entry.debit,
                                reverses=index)
                assert result.balance == self.books.balance[entry.party]

        @rule(party=st.integers(0, 2),
              drawn=st.lists(st.tuples(st.integers(0, len(PRICES) - 1), quantities), min_size=1, max_size=2),
              steps=st.integers(0, 3))
        def create_order(self, party: int, drawn, steps: int) -> None:
            """Place an order and take it up to `steps` steps along (to CONFIRMED, ACCEPTED or PACKED)."""
            wanted = self._lines(drawn)
            view = orders.create_order(self.ctx, self.parties[party],
                                       [LineIn(product_id=pid, quantity=qty) for pid, qty in wanted])
            total = sum((line_total(qty, self._price(pid)) for pid, qty in wanted), D(0))
            assert (view.status, view.total) == (S.DRAFT, total)
            order = ModelOrder(view.id, self.parties[party], wanted, total)
            self.orders.append(order)
            for _ in range(steps):
                if not self._move(order, LEGAL[order.status][0]):
                    break

        @precondition(lambda self: any(o.status in LEGAL for o in self.orders))
        @rule(pick=st.integers(0, 10_000), steps=st.integers(1, 4))
        def advance_order(self, pick: int, steps: int) -> None:
            """Take an open order up to `steps` steps further along the happy path."""
            open_orders = [o for o in self.orders if o.status in LEGAL]
            order = open_orders[pick % len(open_orders)]
            for _ in range(steps):
                if order.status not in LEGAL or not self._move(order, LEGAL[order.status][0]):
                    break

        @precondition(lambda self: any(S.CANCELLED in LEGAL.get(o.status, ()) for o in self.orders))
        @rule(pick=st.integers(0, 10_000), reject=st.booleans(), any_order=st.sampled_from([False, False, True]))
        def cancel_order(self, pick: int, reject: bool, any_order: bool) -> None:
            """Cancel (or, when confirmed, reject) an order that may still be called off, mostly one holding stock."""
            open_orders = [o for o in self.orders if S.CANCELLED in LEGAL.get(o.status, ())]
            holding = [o for o in open_orders if o.status in HOLDS_STOCK]
            candidates = holding if holding and not any_order else open_orders
            order = candidates[pick % len(candidates)]
            self._move(order, S.REJECTED if reject and order.status is S.CONFIRMED else S.CANCELLED)

        @precondition(lambda self: self.orders)
        @rule(pick=st.integers(0, 10_000), choice=st.integers(0, 19))
        def move_order(self, pick: int, choice: int) -> None:
            """Any step, legal (cancel, reject) or not."""
            order = self.orders[pick % len(self.orders)]
            legal = LEGAL.get(order.status, ())
            self._move(order, legal[choice % len(legal)] if legal and choice < 14 else list(S)[choice % len(S)])

        def _move(self, order: ModelOrder, target: OrderStatus) -> bool:
            if target not in LEGAL.get(order.status, ()):
                error = InvalidTransition
            elif target is S.CONFIRMED and self.books.short(order.lines):
                error = InsufficientStock
            else:
                error = None
            view = self._expect(error, lambda: orders.transition(self.ctx, order.id, target))
            if error is not None:
                return False
            if target is S.CONFIRMED:
                for pid, qty in order.lines:
                    self.books.reserved[pid] += qty
            elif target is S.ACCEPTED:
                order.order_entry = self.books.post(order.party, EntryKind.ORDER, debit=order.total)
            elif target is S.DISPATCHED:
                for pid, qty in order.lines:
                    self.books.reserved[pid] -= qty
                    self.books.take(pid, qty)
            elif target in (S.CANCELLED, S.REJECTED):
                if order.status in HOLDS_STOCK:
                    for pid, qty in order.lines:
                        self.books.reserved[pid] -= qty
                # The order's debit comes off the khata, unless someone already reversed it by hand.
                if order.status in IN_KHATA_UNTIL_CANCEL and not self.books.entries[order.order_entry].reversed:
                    self.books.post(order.party, EntryKind.REVERSAL, credit=order.total, reverses=order.order_entry)
            order.status = target
            assert view.status is target
            return True

        @invariant()
        def stock_and_balances_match_the_model(self) -> None:
            if self.ctx is None:
                return
            with self.ctx.db.session(self.ctx.tenant_id) as session:
                stock = {s.product_id: (s.on_hand, s.reserved) for s in session.scalars(select(StockSummary))}
                balances = {b.party_id: b.balance for b in session.scalars(select(PartyBalance))}
                batches = {(b.product_id, b.batch_no): b.on_hand for b in session.scalars(select(StockBatch))}
            assert stock == {pid: (self.books.on_hand[pid], self.books.reserved[pid]) for pid in self.products}
            assert balances == {pid: self.books.balance[pid] for pid in [*self.parties, self.supplier]}
            assert batches == self.books.batches

        def teardown(self) -> None:
            if self.ctx is None:
                return
            assert check_tenant(db, self.ctx.tenant_id).problems == []
            with self.ctx.db.session(self.ctx.tenant_id) as session:
                stored = session.scalars(select(CreditEntry).order_by(CreditEntry.id)).all()
                position = {e.id: i for i, e in enumerate(stored)}
                actual = [(e.party_id, e.kind, e.debit, e.credit,
                           None if e.reverses_id is None else position[e.reverses_id]) for e in stored]
            assert actual == [(e.party, e.kind, e.debit, e.credit, e.reverses) for e in self.books.entries]
            for order in self.orders:
                assert orders.get_order(self.ctx, order.id).status is order.status

    run_state_machine_as_test(ShopBooks, settings=settings(
        max_examples=25, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))


def test_random_operations_keep_the_books_consistent(db, new_shop):
    run_books_machine(db, new_shop)
