"""The tax engine: GST for India (CGST + SGST or IGST, optional cess) and VAT for Nepal.

Pure arithmetic on Decimals; nothing here touches the database.

The rounding rule (also in docs/gst.md):

1. A line's amount is quantity × unit price, rounded half-up to the paisa, less the
   line's share of any discount.
2. Exclusive prices: that amount is the taxable value. Each tax of the line
   (CGST, SGST, IGST, cess, VAT) is taxable value × its rate, rounded half-up to
   the paisa on its own; CGST and SGST are each at half the GST rate, so they are
   always equal.
3. Inclusive (MRP-style) prices: the amount is what the buyer pays for the line.
   Each tax is computed the same way on the exact back-calculated base
   amount × 100 / (100 + GST rate + cess rate), and the taxable value is the
   amount less the rounded taxes, so the line still adds up to the printed price.
4. Invoice totals are sums of the line figures (never recomputed from rates);
   the tax summary by rate is the sum of the lines at that rate.
5. The grand total is the sum rounded half-up to the nearest rupee; the
   difference is printed as a separate round-off line (between -0.50 and +0.50).
6. A Bill of Supply (composition or unregistered seller) charges no tax: the
   taxable value is the line amount.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from erp_core.errors import ValidationError
from erp_core.ids import gstin as gstin_id
from erp_core.ids.states import code_of

GST_RATES = frozenset(Decimal(r) for r in ("0", "0.25", "3", "5", "12", "18", "28", "40"))
"""GST slabs, including 40% (September 2025). 12% and 28% stay for goods still billed at them."""
NEPAL_VAT_RATE = Decimal(13)
VAT_RATES = frozenset({Decimal(0), NEPAL_VAT_RATE})
_PAISA = Decimal("0.01")
_RUPEE = Decimal(1)
_ZERO = Decimal("0.00")
_HUNDRED = Decimal(100)


class Supply(StrEnum):
    """How a supply is taxed."""

    INTRA_STATE = "intra"
    """Supplier and place of supply in the same state: CGST + SGST."""
    INTER_STATE = "inter"
    """Different states: IGST."""
    VAT = "vat"
    """Nepal: VAT."""
    NO_TAX = "none"
    """Bill of Supply: a composition or unregistered seller charges no tax."""


def paise(value: Decimal) -> Decimal:
    """Round half-up to the paisa."""
    return value.quantize(_PAISA, ROUND_HALF_UP)


@dataclass(frozen=True)
class TaxLine:
    """A line to tax: what is sold, at what price and rates."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    rate: Decimal
    hsn_code: str | None = None
    cess_rate: Decimal = Decimal(0)
    price_includes_tax: bool = False
    discount: Decimal = Decimal(0)
    """Money off this line (taken off the amount before tax)."""


@dataclass(frozen=True)
class TaxAmounts:
    """Taxable value, each tax and the total: the figures of a line, a rate row or a whole invoice.

    The one declaration of these fields for everything that is not a table row
    (`erp_core.models.TaxAmountColumns` is the table side). `of` reads them off
    any object that has them (a row, a view); `+` adds two field by field.
    """

    taxable_value: Decimal = _ZERO
    cgst: Decimal = _ZERO
    sgst: Decimal = _ZERO
    igst: Decimal = _ZERO
    cess: Decimal = _ZERO
    vat: Decimal = _ZERO
    total: Decimal = _ZERO
    """What the buyer pays: taxable value plus taxes (plus the round-off, on an invoice)."""

    @property
    def tax(self) -> Decimal:
        return self.cgst + self.sgst + self.igst + self.cess + self.vat

    @classmethod
    def of(cls, source: object) -> TaxAmounts:
        """The amounts of a model row, a view or any object with these attributes."""
        return TaxAmounts(**{name: getattr(source, name) for name in AMOUNT_FIELDS})

    def as_dict(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in AMOUNT_FIELDS}

    def __add__(self, other: TaxAmounts) -> TaxAmounts:
        return TaxAmounts(**{name: getattr(self, name) + getattr(other, name) for name in AMOUNT_FIELDS})

    def __neg__(self) -> TaxAmounts:
        """The amounts the other way round (a credit note's, in a return)."""
        return TaxAmounts(**{name: -getattr(self, name) for name in AMOUNT_FIELDS})


AMOUNT_FIELDS = tuple(f.name for f in fields(TaxAmounts))
"""`taxable_value`, `cgst`, `sgst`, `igst`, `cess`, `vat`, `total`."""


@dataclass(frozen=True, kw_only=True)
class TaxedLine(TaxAmounts):
    line: TaxLine
    amount: Decimal
    """Quantity × price less discount: taxable value (exclusive) or what the buyer pays (inclusive)."""


@dataclass(frozen=True, kw_only=True)
class RateSummary(TaxAmounts):
    """The tax summary row for one rate."""

    rate: Decimal
    cess_rate: Decimal


@dataclass(frozen=True, kw_only=True)
class TaxedInvoice(TaxAmounts):
    supply: Supply
    lines: tuple[TaxedLine, ...]
    round_off: Decimal
    """`total` is the grand total, a whole number of rupees, and differs from the sum of the lines by this."""

    def by_rate(self) -> list[RateSummary]:
        """Tax summary by (rate, cess rate), lowest rate first."""
        return by_rate((taxed.line.rate, taxed.line.cess_rate, taxed) for taxed in self.lines)


def by_rate(lines: Iterable[tuple[Decimal, Decimal, TaxAmounts]]) -> list[RateSummary]:
    """Add up (rate, cess rate, amounts) lines into the tax summary by rate, lowest rate first."""
    groups: dict[tuple[Decimal, Decimal], TaxAmounts] = {}
    for rate, cess_rate, amounts in lines:
        groups[rate, cess_rate] = groups.get((rate, cess_rate), TaxAmounts()) + amounts
    return [RateSummary(rate=rate, cess_rate=cess_rate, **amounts.as_dict())
            for (rate, cess_rate), amounts in sorted(groups.items())]


def check_rate(rate: Decimal, supply: Supply) -> None:
    """`ValidationError` unless `rate` is a GST slab (India) or 0/13% (Nepal VAT)."""
    allowed = VAT_RATES if supply is Supply.VAT else GST_RATES
    if supply is not Supply.NO_TAX and rate not in allowed:
        shown = ", ".join(f"{r.normalize():f}" for r in sorted(allowed))
        raise ValidationError(field="rate", reason=f"{rate.normalize():f}% is not a tax rate here ({shown})")


def tax_line(line: TaxLine, supply: Supply) -> TaxedLine:
    """Tax one line by the rounding rule of this module."""
    check_rate(line.rate, supply)
    if line.cess_rate < 0 or (line.cess_rate and supply in (Supply.VAT, Supply.NO_TAX)):
        raise ValidationError(field="cess_rate", reason="cess applies only to GST supplies")
    amount = paise(line.quantity * line.unit_price) - line.discount
    if amount < 0:
        raise ValidationError(field="discount", reason=f"the discount is more than the line {line.description}")
    if supply is Supply.NO_TAX:
        return TaxedLine(line=line, amount=amount, taxable_value=amount, total=amount)
    if line.price_includes_tax:
        base = amount * _HUNDRED / (_HUNDRED + line.rate + line.cess_rate)
    else:
        base = amount
    cgst = sgst = igst = vat = _ZERO
    if supply is Supply.INTRA_STATE:
        cgst = sgst = paise(base * line.rate / 200)
    elif supply is Supply.INTER_STATE:
        igst = paise(base * line.rate / _HUNDRED)
    else:
        vat = paise(base * line.rate / _HUNDRED)
    cess = paise(base * line.cess_rate / _HUNDRED)
    taxable = amount - (cgst + sgst + igst + cess + vat) if line.price_includes_tax else amount
    return TaxedLine(line=line, amount=amount, taxable_value=taxable, cgst=cgst, sgst=sgst, igst=igst, cess=cess,
                     vat=vat, total=taxable + cgst + sgst + igst + cess + vat)


def tax_invoice(lines: Sequence[TaxLine], supply: Supply) -> TaxedInvoice:
    """Tax every line, add up, and round the grand total to the rupee with a round-off line."""
    if not lines:
        raise ValidationError(field="lines", reason="an invoice needs at least one line")
    taxed = tuple(tax_line(line, supply) for line in lines)
    sums = sum(taxed, TaxAmounts())
    exact = sums.taxable_value + sums.tax
    total = exact.quantize(_RUPEE, ROUND_HALF_UP).quantize(_PAISA)
    return TaxedInvoice(supply=supply, lines=taxed, round_off=total - exact,
                        **{**sums.as_dict(), "total": total})


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` over lines in proportion to `weights`, in paise, adding up exactly.

    The paise lost to rounding go to the largest line.
    >>> allocate(Decimal("10.00"), [Decimal("100"), Decimal("50"), Decimal("50")])
    [Decimal('5.00'), Decimal('2.50'), Decimal('2.50')]
    >>> allocate(Decimal("1.00"), [Decimal("1"), Decimal("1"), Decimal("1")])
    [Decimal('0.34'), Decimal('0.33'), Decimal('0.33')]
    """
    whole = sum(weights, Decimal(0))
    if not amount or not whole:
        return [_ZERO for _ in weights]
    shares = [paise(amount * w / whole) for w in weights]
    largest = max(range(len(weights)), key=lambda i: weights[i])
    shares[largest] += amount - sum(shares, _ZERO)
    return shares


def state_of(gstin: str | None, state: str | None) -> str | None:
    """A party's state code: from its GSTIN if it has one, else from its address state."""
    if gstin:
        return gstin_id.state_code(gstin)
    return code_of(state)


def place_of_supply(
    supplier_state: str, buyer_gstin: str | None = None, buyer_state: str | None = None
) -> str:
    """The place of supply of goods sold over the counter or delivered to the buyer.

    The buyer's GSTIN state; else the state of the buyer's address; else the
    supplier's own state (an unregistered walk-in customer buys where the shop is).

    >>> place_of_supply("27", "29AABCR1718E1ZL", "Maharashtra")
    '29'
    >>> place_of_supply("27", None, "Gujarat"), place_of_supply("27")
    ('24', '27')
    """
    return state_of(buyer_gstin, buyer_state) or supplier_state


def supply_for(supplier_state: str, place: str) -> Supply:
    """Intra-state (CGST + SGST) when the place of supply is the supplier's state, else inter-state (IGST)."""
    return Supply.INTRA_STATE if supplier_state == place else Supply.INTER_STATE
