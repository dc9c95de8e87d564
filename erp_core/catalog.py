"""The product catalog and product lookup by fuzzy name across scripts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from weakref import WeakKeyDictionary

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from erp_core.context import Context
from erp_core.db import Database
from erp_core.enums import Unit
from erp_core.errors import AmbiguousProduct, UnknownProduct, ValidationError
from erp_core.ids import barcode as barcode_id
from erp_core.models import Counter, Product, ProductAlias, StockSummary
from erp_core.name_index import NameIndex
from erp_core.permissions import Permission
from erp_core.prices import change_prices
from erp_core.search_keys import search_key
from erp_core.sequences import next_value
from erp_core.units import unit_of
from erp_core.values import money, quantity, rate

CATALOG_VERSION = "catalog_version"
MATCH_CUTOFF = 70.0
"""Fuzzy scores (0-100) below this are not offered as candidates."""
SURE_MARGIN = 8.0
"""A best match this far ahead of the runner-up is taken without asking "which one?"."""


class ProductRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    sku: str
    name: str
    unit: Unit


class ProductMatch(BaseModel):
    model_config = ConfigDict(frozen=True)
    product: ProductRef
    score: float
    matched: str
    """The alias that matched."""


def _ref(product: Product) -> ProductRef:
    return ProductRef(id=product.id, sku=product.sku, name=product.name, unit=product.unit)


def add_product(
    ctx: Context,
    *,
    sku: str | None = None,
    name: str,
    unit: Unit | str | None = None,
    selling_price: Decimal | int | str,
    cost_price: Decimal | int | str = 0,
    mrp: Decimal | int | str | None = None,
    hsn_code: str | None = None,
    gst_rate: Decimal | int | str = 0,
    reorder_point: Decimal | int | str = 0,
    lead_time_days: int = 0,
    aliases: list[str] | tuple[str, ...] = (),
    idempotency_key: str | None = None,
) -> ProductRef:
    """Add a product with its names in any script; its stock starts at zero.

    Without a `sku` the product gets the shop's next number (P00001, P00002 ...); without
    a `unit` it is counted in pieces (`units.DEFAULT_UNIT`).
    """
    ctx.actor.require(Permission.MANAGE_CATALOG)
    sku = sku.strip() if sku is not None else None
    name = name.strip()
    if sku == "" or not name:
        raise ValidationError(field="sku" if sku == "" else "name", reason="is required")
    unit = unit_of(unit)
    if lead_time_days < 0:
        raise ValidationError(field="lead_time_days", reason="cannot be negative")
    if hsn_code is not None and not (hsn_code.isdigit() and len(hsn_code) in (4, 6, 8)):
        raise ValidationError(field="hsn_code", reason="HSN codes have 4, 6 or 8 digits")
    names = list(dict.fromkeys(a.strip() for a in (name, *aliases) if a.strip()))
    request = {
        "sku": sku, "name": name, "unit": unit, "hsn_code": hsn_code, "aliases": names,
        "selling_price": money(selling_price, "selling_price"), "cost_price": money(cost_price, "cost_price"),
        "mrp": None if mrp is None else money(mrp, "mrp"), "gst_rate": rate(gst_rate),
        "reorder_point": quantity(reorder_point, "reorder_point", allow_zero=True),
        "lead_time_days": lead_time_days,
    }

    def work(session: Session) -> ProductRef:
        code = sku or _next_sku(session)
        if session.scalar(select(Product.id).where(Product.sku == code)) is not None:
            raise ValidationError(field="sku", reason=f"SKU {code} already exists")
        product = Product(
            sku=code, name=name, unit=unit, hsn_code=hsn_code, gst_rate=request["gst_rate"],
            mrp=request["mrp"], selling_price=request["selling_price"], cost_price=request["cost_price"],
            reorder_point=request["reorder_point"], lead_time_days=lead_time_days,
        )
        session.add(product)
        session.flush()
        session.add_all(
            ProductAlias(product_id=product.id, alias=alias, search_key=search_key(alias)) for alias in names
        )
        session.add(StockSummary(product_id=product.id))
        next_value(session, CATALOG_VERSION)
        return _ref(product)

    return ctx.run("product.add", request, work, ProductRef, idempotency_key)


def add_product_as_named(
    ctx: Context,
    name: str,
    *,
    unit: Unit | str | None = None,
    cost_price: Decimal | int | str | None = None,
    selling_price: Decimal | int | str | None = None,
    idempotency_key: str | None = None,
) -> ProductRef:
    """A product first met in a message ("5 kilo kaju aaya" and kaju is new), with what was said.

    The name is kept as typed with its first letter capitalised ("kaju katli" → "Kaju katli",
    "बादाम" as it is); no unit means pieces, no price means 0 (the owner sets it later). The
    product gets the next automatic SKU. Raises what `add_product` raises.
    """
    name = name.strip()
    return add_product(ctx, name=name[:1].upper() + name[1:], unit=unit,
                       selling_price=0 if selling_price is None else selling_price,
                       cost_price=0 if cost_price is None else cost_price, idempotency_key=idempotency_key)


def _next_sku(session: Session) -> str:
    """The next free automatic SKU of the session's shop."""
    while True:
        code = f"P{next_value(session, 'sku'):05d}"
        if session.scalar(select(Product.id).where(Product.sku == code)) is None:
            return code


def add_alias(ctx: Context, product_id: int, alias: str, *, idempotency_key: str | None = None) -> ProductRef:
    """Teach the catalog another name for a product (a trainer's or owner's correction)."""
    ctx.actor.require(Permission.MANAGE_CATALOG)
    alias = alias.strip()
    if not alias:
        raise ValidationError(field="alias", reason="is required")

    def work(session: Session) -> ProductRef:
        product = session.get(Product, product_id)
        if product is None:
            raise UnknownProduct(query=str(product_id))
        session.add(ProductAlias(product_id=product.id, alias=alias, search_key=search_key(alias)))
        next_value(session, CATALOG_VERSION)
        return _ref(product)

    return ctx.run("product.alias", {"product_id": product_id, "alias": alias}, work, ProductRef, idempotency_key)


def deactivate_product(ctx: Context, product_id: int, *, idempotency_key: str | None = None) -> ProductRef:
    """Stop selling a product. Its history stays; lookups no longer offer it."""
    ctx.actor.require(Permission.MANAGE_CATALOG)

    def work(session: Session) -> ProductRef:
        product = session.get(Product, product_id)
        if product is None:
            raise UnknownProduct(query=str(product_id))
        product.active = False
        next_value(session, CATALOG_VERSION)
        return _ref(product)

    return ctx.run("product.deactivate", {"product_id": product_id}, work, ProductRef, idempotency_key)


@dataclass(frozen=True)
class _Index:
    version: int
    names: NameIndex
    entries: list[tuple[ProductRef, str]]


_indexes: WeakKeyDictionary[Database, dict[int, _Index]] = WeakKeyDictionary()


def _index(ctx: Context, session: Session) -> _Index:
    """The tenant's alias keys, cached in memory until the catalog changes."""
    version = session.scalar(select(Counter.value).where(Counter.name == CATALOG_VERSION)) or 0
    per_tenant = _indexes.setdefault(ctx.db, {})
    index = per_tenant.get(ctx.tenant_id)
    if index is None or index.version != version:
        rows = session.execute(
            select(Product, ProductAlias.alias, ProductAlias.search_key)
            .join(ProductAlias, ProductAlias.product_id == Product.id)
            .where(Product.active)
        ).all()
        index = _Index(
            version=version,
            names=NameIndex([row.search_key for row in rows]),
            entries=[(_ref(row.Product), row.alias) for row in rows],
        )
        per_tenant[ctx.tenant_id] = index
    return index


def find_products(ctx: Context, query: str, limit: int = 5) -> list[ProductMatch]:
    """Products whose names look like `query` in any script, best first, one entry per product."""
    ctx.actor.require(Permission.VIEW_CATALOG)
    key = search_key(query)
    if not key:
        return []
    with ctx.read() as session:
        index = _index(ctx, session)
    best: dict[int, ProductMatch] = {}
    for position, score in index.names.search(key, MATCH_CUTOFF):
        product, alias = index.entries[position]
        if product.id not in best or best[product.id].score < score:
            best[product.id] = ProductMatch(product=product, score=round(score, 1), matched=alias)
    return sorted(best.values(), key=lambda m: (-m.score, m.product.name))[:limit]


def resolve_product(ctx: Context, query: str) -> ProductRef:
    """The one product `query` names, or `UnknownProduct` / `AmbiguousProduct` (with candidates)."""
    ctx.actor.require(Permission.VIEW_CATALOG)
    key = search_key(query)
    with ctx.read() as session:
        exact = session.execute(
            select(Product)
            .join(ProductAlias, ProductAlias.product_id == Product.id)
            .where(ProductAlias.search_key == key, Product.active)
        ).scalars().unique().all()
    if len(exact) == 1:
        return _ref(exact[0])
    matches = find_products(ctx, query)
    if not matches:
        raise UnknownProduct(query=query)
    if len(exact) > 1:
        exact_ids = {p.id for p in exact}
        raise AmbiguousProduct(query=query, candidates=[m.product.name for m in matches if m.product.id in exact_ids])
    if len(matches) == 1 or matches[0].score - matches[1].score >= SURE_MARGIN:
        return matches[0].product
    raise AmbiguousProduct(query=query, candidates=[m.product.name for m in matches])


def products_by_sku(ctx: Context, skus: list[str]) -> list[ProductRef]:
    """The active products with these SKUs, in the order given (a WhatsApp catalog names products by the
    shop's SKU, its `product_retailer_id`); `UnknownProduct` for a SKU the shop does not sell."""
    ctx.actor.require(Permission.VIEW_CATALOG)
    with ctx.read() as session:
        found = {p.sku: _ref(p) for p in session.scalars(select(Product).where(Product.sku.in_(skus), Product.active))}
    missing = next((sku for sku in skus if sku not in found), None)
    if missing is not None:
        raise UnknownProduct(query=missing)
    return [found[sku] for sku in skus]


def find_by_barcode(ctx: Context, code: str) -> ProductRef:
    """The active product with this barcode, looked up exactly (`UnknownProduct` if none)."""
    ctx.actor.require(Permission.VIEW_CATALOG)
    wanted = barcode_id.compact(code)
    with ctx.read() as session:
        product = session.scalar(select(Product).where(Product.barcode == wanted, Product.active))
        if product is None:
            raise UnknownProduct(query=code)
        return _ref(product)


class ProductView(BaseModel):
    """A product with everything the catalog knows about it."""

    model_config = ConfigDict(frozen=True)
    id: int
    sku: str
    name: str
    unit: Unit
    hsn_code: str | None
    gst_rate: Decimal
    mrp: Decimal | None
    selling_price: Decimal
    cost_price: Decimal
    reorder_point: Decimal
    lead_time_days: int
    active: bool
    aliases: list[str]
    barcode: str | None = None


def _views(session: Session, products: list[Product]) -> list[ProductView]:
    aliases: dict[int, list[str]] = {}
    if products:
        rows = session.execute(select(ProductAlias.product_id, ProductAlias.alias)
                               .where(ProductAlias.product_id.in_([p.id for p in products]))
                               .order_by(ProductAlias.id))
        for product_id, alias in rows:
            aliases.setdefault(product_id, []).append(alias)
    return [
        ProductView(id=p.id, sku=p.sku, name=p.name, unit=p.unit, hsn_code=p.hsn_code, gst_rate=p.gst_rate,
                    mrp=p.mrp, selling_price=p.selling_price, cost_price=p.cost_price,
                    reorder_point=p.reorder_point, lead_time_days=p.lead_time_days, active=p.active,
                    aliases=aliases.get(p.id, []), barcode=p.barcode)
        for p in products
    ]


def product_details(ctx: Context, product_id: int) -> ProductView:
    """One product with its aliases (inactive ones too), or `UnknownProduct`."""
    ctx.actor.require(Permission.VIEW_CATALOG)
    with ctx.read() as session:
        product = session.get(Product, product_id)
        if product is None:
            raise UnknownProduct(query=str(product_id))
        return _views(session, [product])[0]


def list_products(
    ctx: Context, *, after_id: int = 0, limit: int = 50, include_inactive: bool = False,
    ids: list[int] | None = None,
) -> list[ProductView]:
    """Products in id order after `after_id` (keyset pagination); only `ids` when given."""
    ctx.actor.require(Permission.VIEW_CATALOG)
    query = select(Product).where(Product.id > after_id).order_by(Product.id).limit(limit)
    if not include_inactive:
        query = query.where(Product.active)
    if ids is not None:
        query = query.where(Product.id.in_(ids))
    with ctx.read() as session:
        return _views(session, list(session.scalars(query)))


def update_product(
    ctx: Context,
    product_id: int,
    *,
    name: str | None = None,
    selling_price: Decimal | int | str | None = None,
    cost_price: Decimal | int | str | None = None,
    mrp: Decimal | int | str | None = None,
    hsn_code: str | None = None,
    gst_rate: Decimal | int | str | None = None,
    reorder_point: Decimal | int | str | None = None,
    lead_time_days: int | None = None,
    active: bool | None = None,
    barcode: str | None = None,
    idempotency_key: str | None = None,
) -> ProductView:
    """Change a product's name, prices, tax fields, reorder settings, barcode (`""` removes it) or whether it
    is sold.

    Only the fields given change; a new name is also kept as an alias so the
    old and the new name both find it; a new selling price or MRP joins the
    price history (`erp_core.prices`). Stock and history are untouched.
    """
    ctx.actor.require(Permission.MANAGE_CATALOG)
    changes: dict[str, object] = {}
    if name is not None:
        if not name.strip():
            raise ValidationError(field="name", reason="is required")
        changes["name"] = name.strip()
    for field, value in (("selling_price", selling_price), ("cost_price", cost_price), ("mrp", mrp)):
        if value is not None:
            changes[field] = money(value, field)
    if hsn_code is not None:
        if not (hsn_code.isdigit() and len(hsn_code) in (4, 6, 8)):
            raise ValidationError(field="hsn_code", reason="HSN codes have 4, 6 or 8 digits")
        changes["hsn_code"] = hsn_code
    if gst_rate is not None:
        changes["gst_rate"] = rate(gst_rate)
    if reorder_point is not None:
        changes["reorder_point"] = quantity(reorder_point, "reorder_point", allow_zero=True)
    if lead_time_days is not None:
        if lead_time_days < 0:
            raise ValidationError(field="lead_time_days", reason="cannot be negative")
        changes["lead_time_days"] = lead_time_days
    if active is not None:
        changes["active"] = active
    if barcode is not None:
        changes["barcode"] = barcode_id.validate(barcode) if barcode.strip() else None
    if not changes:
        raise ValidationError(field="product", reason="nothing to change")

    def work(session: Session) -> ProductView:
        product = session.get(Product, product_id)
        if product is None:
            raise UnknownProduct(query=str(product_id))
        if changes.get("barcode") and session.scalar(select(Product.name).where(
                Product.barcode == changes["barcode"], Product.id != product_id)) is not None:
            raise ValidationError(field="barcode", reason=f"barcode {changes['barcode']} is already on another product")
        change_prices(session, product, changes.get("selling_price", product.selling_price),
                      changes.get("mrp", product.mrp), ctx.actor.user_id)
        for field, value in changes.items():
            if field not in ("selling_price", "mrp"):
                setattr(product, field, value)
        if "name" in changes:
            known = set(session.scalars(select(ProductAlias.alias).where(ProductAlias.product_id == product_id)))
            if product.name not in known:
                session.add(ProductAlias(product_id=product_id, alias=product.name, search_key=search_key(product.name)))
        next_value(session, CATALOG_VERSION)
        session.flush()
        return _views(session, [product])[0]

    return ctx.run("product.update", {"product_id": product_id, **changes}, work, ProductView, idempotency_key)
