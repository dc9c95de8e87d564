"""The `bot` command line: one entry point for running, training and looking after the books.

    python -m bot run                 set up the database, seed the demo shop, train if needed, start the bot
    python -m bot train [--force]     train the Rasa model if data/, config.yml or domain.yml changed
    python -m bot migrate             bring the ERP database schema up to date
    python -m bot seed-demo           create the demo kirana shop (once)
    python -m bot tenant add|list     register or list businesses
    python -m bot user add            give a WhatsApp number a role in a business
    python -m bot check [--repair]    rebuild derived tables from the ledgers and prove they match
    python -m bot api [--port 8000]   serve the REST API (/api/v1, docs at /api/v1/docs)
    python -m bot gateway             the WhatsApp webhook's public door to Rasa on loopback (production)
    python -m bot api-key create|list|revoke   API keys for integrations
    python -m bot secrets new-key|rotate       keys for the secrets stored encrypted (docs/security.md)
    python -m bot review [--port 8002]         serve the conversation review and trainer app
    python -m bot review-user add|list|password|role   users of the review app (reviewer, trainer, admin)
    python -m bot privacy export|erase|purge|retention   a person's data (DPDP Act, docs/privacy.md)
    python -m bot notify [--dry-run --at T]    send (or show) the messages the shop sends on its own
    python -m bot templates export             the WhatsApp templates a shop must get approved
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dotenv import load_dotenv

from bot import forecast_cli, notify_cli, photo_cli, privacy_cli
from connectors.metadata import MIN_SECRET_LENGTH, production
from erp_core import tenants
from erp_core.check import check_tenant
from erp_core.context import Context
from erp_core.db import Database, database_url
from erp_core.demo import seed_demo
from erp_core.enums import Country, CreditPolicy, Role
from erp_core.errors import DomainError
from erp_core.messages import render
from erp_core.permissions import Actor
from erp_core.secret_box import KEYS_ENV, SecretKeyError, key_problems, new_key

ROOT = Path(__file__).resolve().parent.parent


def _database() -> Database:
    db = Database(database_url())
    db.migrate()
    return db


def _tenant_id(db: Database, phone_number_id: str) -> int:
    tenant = tenants.find_tenant(db, phone_number_id)
    if tenant is None:
        raise SystemExit(f"no business is registered under phone_number_id {phone_number_id}")
    return tenant.id


def cmd_migrate(args: argparse.Namespace) -> int:
    _database()
    print(f"database is up to date: {database_url()}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    shop = seed_demo(_database())
    print(f"demo shop: {shop.name} (phone_number_id {shop.phone_number_id}, tenant {shop.id})")
    return 0


def cmd_tenant_add(args: argparse.Namespace) -> int:
    tenant = tenants.add_tenant(
        _database(), phone_number_id=args.phone_number_id, name=args.name, address=args.address,
        state=args.state, gstin=args.gstin, pan=args.pan, country=args.country,
        allow_negative_stock=args.allow_negative_stock, credit_policy=args.credit_policy,
    )
    print(f"added tenant {tenant.id}: {tenant.name} (phone_number_id {tenant.phone_number_id})")
    return 0


def cmd_tenant_list(args: argparse.Namespace) -> int:
    for tenant in tenants.list_tenants(_database()):
        print(f"{tenant.id}\t{tenant.phone_number_id}\t{tenant.country.value}\t{tenant.name}")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    db = _database()
    ctx = Context(db, _tenant_id(db, args.tenant), Actor.system())
    user = tenants.add_user(ctx, wa_id=args.wa_id, role=args.role, name=args.name, party_id=args.party)
    print(f"added user {user.id}: {user.wa_id} as {user.role.value}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    db = _database()
    ids = [_tenant_id(db, args.tenant)] if args.tenant else [t.id for t in tenants.list_tenants(db)]
    failed = 0
    for tenant_id in ids:
        report = check_tenant(db, tenant_id, repair=args.repair)
        status = "ok" if report.ok else ("REPAIRED" if report.repaired else "MISMATCH")
        print(f"tenant {tenant_id}: {status} ({report.products} products, {report.parties} parties, "
              f"{report.audit_entries} audit entries)")
        for problem in report.problems:
            print(f"  - {problem}")
        failed += not report.ok and not report.repaired
    return 1 if failed else 0


def cmd_api(args: argparse.Namespace) -> int:
    from api.app import serve

    serve(_database(), host=args.host, port=args.port)
    return 0


def cmd_gateway(args: argparse.Namespace) -> int:
    from bot.gateway import serve

    serve(args.rasa_urls or ["http://127.0.0.1:5005"], host=args.host, port=args.port)
    return 0


def cmd_api_key_create(args: argparse.Namespace) -> int:
    from erp_core.api_keys import create_api_key

    db = _database()
    ctx = Context(db, _tenant_id(db, args.tenant), Actor.system())
    new = create_api_key(ctx, args.name, args.scope or ["read"], args.rate_limit)
    print(f"created API key {new.info.id} ({','.join(new.info.scopes)}, {new.info.rate_limit}/min): {new.key}")
    print("store it now: only its hash is kept, it cannot be shown again")
    return 0


def cmd_api_key_list(args: argparse.Namespace) -> int:
    from erp_core.api_keys import list_api_keys

    db = _database()
    for key in list_api_keys(Context(db, _tenant_id(db, args.tenant), Actor.system())):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        print(f"{key.id}\t{key.prefix}…\t{','.join(key.scopes)}\t{key.rate_limit}/min\t{state}\t{key.name}")
    return 0


def cmd_api_key_revoke(args: argparse.Namespace) -> int:
    from erp_core.api_keys import revoke_api_key

    db = _database()
    key = revoke_api_key(Context(db, _tenant_id(db, args.tenant), Actor.system()), args.key_id)
    print(f"revoked API key {key.id} ({key.name})")
    return 0


def cmd_secrets_new_key(args: argparse.Namespace) -> int:
    print(new_key())
    return 0


def cmd_secrets_rotate(args: argparse.Namespace) -> int:
    from erp_core.secret_rotation import rotate_secrets

    db = _database()
    ids = [_tenant_id(db, args.tenant)] if args.tenant else [t.id for t in tenants.list_tenants(db)]
    total = failed = 0
    for tenant_id in ids:
        try:
            rotated = rotate_secrets(Context(db, tenant_id, Actor.system()))
        except SecretKeyError as error:
            print(f"tenant {tenant_id}: NOT ROTATED (nothing changed): {error}", file=sys.stderr)
            failed += 1
            continue
        total += rotated.secrets
        print(f"tenant {tenant_id}: {rotated.secrets} secrets re-encrypted")
    print(f"{total} secrets in {len(ids) - failed} businesses now encrypted with the first key of {KEYS_ENV}"
          + (f"; {failed} businesses failed" if failed else ""))
    return 1 if failed else 0


def cmd_review(args: argparse.Namespace) -> int:
    from bot.review.app import serve
    from bot.review.config import ReviewConfig

    serve(ReviewConfig.from_env(ROOT), host=args.host, port=args.port)
    return 0


def cmd_review_user(args: argparse.Namespace) -> int:
    import getpass

    from bot.review import auth
    from bot.review.store import open_store, review_database_url

    engine = open_store(review_database_url(ROOT))
    try:
        if args.action == "list":
            for user in auth.list_users(engine):
                print(f"{user.id}\t{user.username}\t{user.role.value}\t{user.tenant or '(all businesses)'}")
            return 0
        role = auth.Role(args.role) if args.action in ("add", "role") else None
        if role is auth.Role.ADMIN and args.tenant:
            raise auth.AuthError("an admin sees every business, so --tenant would not limit them: leave it out, "
                                 "or give --role trainer or reviewer to limit the user to that business")
        if args.action == "role":
            user = auth.set_role(engine, args.username, role, args.tenant)
            print(f"{user.username} is now {user.role.value}"
                  + (f" for business {user.tenant}" if user.tenant else " (sees every business)"))
            return 0
        password = args.password or getpass.getpass("password (10 characters or more): ")
        if args.action == "password":
            auth.set_password(engine, args.username, password)
            print(f"changed the password of {args.username} (their sessions are ended)")
            return 0
        user = auth.add_user(engine, args.username, password, role, args.tenant)
        print(f"added review user {user.username} as {user.role.value}"
              + (f" for business {user.tenant}{_business_name(user.tenant)}" if user.tenant
                 else " (sees every business)"))
        return 0
    except auth.AuthError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _business_name(phone_number_id: str) -> str:
    """` (name)` of the ERP business with this phone_number_id, or a warning when the ERP does not know it."""
    url = database_url()
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return ""
    try:
        db = Database(url)
        try:
            tenant = tenants.find_tenant(db, phone_number_id)
        finally:
            db.dispose()
    except Exception:  # noqa: BLE001 (the review app may run without the ERP database)
        return ""
    if tenant is None:
        return (f"\nwarning: no business is registered under phone_number_id {phone_number_id} in the ERP "
                "database: check the number (they will see only conversations with that business number)")
    return f" ({tenant.name})"


def cmd_train(args: argparse.Namespace) -> int:
    from bot.training import ensure_model

    print(f"model: {ensure_model(ROOT, force=args.force)}")
    return 0


PRODUCTION_SECRETS = {
    "HISAAB_IDENTITY_SECRET": "signs who wrote each WhatsApp message, so only the channel speaks for a person",
    "WHATSAPP_APP_SECRET": "checks that a webhook comes from Meta",
    "WHATSAPP_VERIFY_TOKEN": "answers Meta's subscription check",
    "RASA_AUTH_TOKEN": "guards Rasa's HTTP API (every conversation, the model); the review app sends it",
    "HISAAB_ACTIONS_TOKEN": "lets only the Rasa server call the action server",
    "WHATSAPP_ACCESS_TOKEN": "sends the bot's replies through Meta's Graph API (without it, only the simulator could)",
    KEYS_ENV: "encrypts the shops' Razorpay secrets and webhook signing secrets in the database",
}


def production_problems(environ: dict[str, str]) -> list[str]:
    """Why the production profile may not start: each secret that is missing or too short to be one, and each
    encryption key that is no Fernet key."""
    problems = [f"{name} is {'missing' if not environ.get(name) else 'too short'} ({job}; "
                f"at least {MIN_SECRET_LENGTH} random characters)"
                for name, job in PRODUCTION_SECRETS.items() if len(environ.get(name, "")) < MIN_SECRET_LENGTH]
    if len(environ.get(KEYS_ENV, "")) >= MIN_SECRET_LENGTH:
        problems += key_problems(environ[KEYS_ENV])
    return problems


def cmd_run(args: argparse.Namespace) -> int:
    from bot.servers import run_bot, scale_out_problems
    from bot.training import ensure_model

    if production():
        problems = production_problems(dict(os.environ))
        if problems:
            print("refusing to start in production (HISAAB_ENV=production):", *problems, sep="\n  ", file=sys.stderr)
            return 2
    if args.replicas < 1:
        print("--replicas must be at least 1", file=sys.stderr)
        return 2
    if args.replicas > 1 and (problems := scale_out_problems(dict(os.environ))):
        print(f"refusing to start {args.replicas} replicas: they share their state only through PostgreSQL and Redis "
              "(docs/deploy.md):", *problems, sep="\n  ", file=sys.stderr)
        return 2
    db = _database()
    if not production() and not tenants.list_tenants(db):
        shop = seed_demo(db)
        print(f"seeded the demo shop: {shop.name}")
    db.dispose()
    return run_bot(ROOT, ensure_model(ROOT), rasa_port=args.port, replicas=args.replicas)


def cmd_replica(args: argparse.Namespace) -> int:
    from bot.servers import run_replica, scale_out_problems
    from bot.training import ensure_model

    if problems := scale_out_problems(dict(os.environ)):
        print("refusing to start a replica: replicas share their state only through PostgreSQL and Redis "
              "(docs/deploy.md):", *problems, sep="\n  ", file=sys.stderr)
        return 2
    return run_replica(ROOT, ensure_model(ROOT), args.index)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot", description="WhatsApp-native ERP for small shops")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="set up and start the whole bot on the configured database")
    run.add_argument("--port", type=int, default=5005, help="Rasa server port")
    run.add_argument("--replicas", type=int, default=1,
                     help="Rasa and action server pairs behind the webhook gateway (more than 1 needs the scale-out "
                          "profile: PostgreSQL and Redis, docs/deploy.md)")
    run.set_defaults(func=cmd_run)

    replica = sub.add_parser("replica", help="one replica's Rasa server and action server, for a process manager "
                                             "(the scale-out profile, docs/deploy.md)")
    replica.add_argument("--index", type=int, default=0, help="replica i listens on 5005 + 100 i (Rasa) and "
                                                              "5055 + 100 i (actions), on loopback")
    replica.set_defaults(func=cmd_replica)

    train = sub.add_parser("train", help="train the Rasa model if its inputs changed")
    train.add_argument("--force", action="store_true", help="train even if a model for these inputs exists")
    train.set_defaults(func=cmd_train)

    sub.add_parser("migrate", help="bring the ERP schema up to date").set_defaults(func=cmd_migrate)
    sub.add_parser("seed-demo", help="create the demo shop").set_defaults(func=cmd_seed_demo)

    tenant = sub.add_parser("tenant", help="businesses").add_subparsers(dest="action", required=True)
    add = tenant.add_parser("add", help="register a business under its WhatsApp phone_number_id")
    add.add_argument("--phone-number-id", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--address", default="")
    add.add_argument("--state", default="")
    add.add_argument("--gstin")
    add.add_argument("--pan")
    add.add_argument("--country", choices=[c.value for c in Country], default="IN")
    add.add_argument("--allow-negative-stock", action="store_true")
    add.add_argument("--credit-policy", choices=[p.value for p in CreditPolicy], default="warn")
    add.set_defaults(func=cmd_tenant_add)
    tenant.add_parser("list", help="list businesses").set_defaults(func=cmd_tenant_list)

    user = sub.add_parser("user", help="people").add_subparsers(dest="action", required=True)
    uadd = user.add_parser("add", help="give a WhatsApp number a role in a business")
    uadd.add_argument("--tenant", required=True, help="the business's phone_number_id")
    uadd.add_argument("--wa-id", required=True, help="WhatsApp number with country code, e.g. 919812345678")
    uadd.add_argument("--role", required=True, choices=[r.value for r in Role])
    uadd.add_argument("--name", default="")
    uadd.add_argument("--party", type=int, help="for customers: their party id")
    uadd.set_defaults(func=cmd_user_add)

    check = sub.add_parser("check", help="rebuild derived tables from the ledgers and prove they match")
    check.add_argument("--tenant", help="only this business (phone_number_id)")
    check.add_argument("--repair", action="store_true", help="overwrite mismatching derived rows")
    check.set_defaults(func=cmd_check)

    api = sub.add_parser("api", help="serve the REST API")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8000)
    api.set_defaults(func=cmd_api)

    gateway = sub.add_parser("gateway", help="forward the WhatsApp webhook (only) to the Rasa servers, in turn")
    gateway.add_argument("--rasa-url", action="append", dest="rasa_urls",
                         help="a Rasa server (repeat for each replica; default http://127.0.0.1:5005)")
    gateway.add_argument("--host", default="127.0.0.1")
    gateway.add_argument("--port", type=int, default=8001)
    gateway.set_defaults(func=cmd_gateway)

    keys = sub.add_parser("api-key", help="API keys for integrations").add_subparsers(dest="action", required=True)
    kadd = keys.add_parser("create", help="make a key (shown once; only its hash is stored)")
    kadd.add_argument("--tenant", required=True, help="the business's phone_number_id")
    kadd.add_argument("--name", required=True, help="what the key is for, e.g. 'POS at counter 2'")
    kadd.add_argument("--scope", action="append", choices=["read", "write"], default=None,
                      help="read (default) or write (implies read); repeatable")
    kadd.add_argument("--rate-limit", type=int, default=600, help="requests per minute (default 600)")
    kadd.set_defaults(func=cmd_api_key_create)
    klist = keys.add_parser("list", help="keys of a business")
    klist.add_argument("--tenant", required=True)
    klist.set_defaults(func=cmd_api_key_list)
    krevoke = keys.add_parser("revoke", help="stop a key from working")
    krevoke.add_argument("--tenant", required=True)
    krevoke.add_argument("key_id", type=int)
    krevoke.set_defaults(func=cmd_api_key_revoke)

    secrets = sub.add_parser("secrets", help="the keys of the secrets stored encrypted (docs/security.md)"
                             ).add_subparsers(dest="action", required=True)
    secrets.add_parser("new-key", help="print a fresh key to put first in " + KEYS_ENV
                       ).set_defaults(func=cmd_secrets_new_key)
    srotate = secrets.add_parser("rotate", help="re-encrypt every stored secret with the first key")
    srotate.add_argument("--tenant", help="only this business (phone_number_id)")
    srotate.set_defaults(func=cmd_secrets_rotate)

    review = sub.add_parser("review", help="serve the conversation review and trainer app")
    review.add_argument("--host", default="127.0.0.1")
    review.add_argument("--port", type=int, default=8002)
    review.set_defaults(func=cmd_review)

    ruser = sub.add_parser("review-user", help="users of the review app").add_subparsers(dest="action", required=True)
    radd = ruser.add_parser("add", help="create a reviewer, trainer or admin")
    radd.add_argument("username")
    radd.add_argument("--role", required=True, choices=["reviewer", "trainer", "admin"])
    radd.add_argument("--tenant", help="required for reviewers and trainers (not admins, who see every business): "
                                       "the WhatsApp phone_number_id of the business they may see")
    radd.add_argument("--password", help="asked for when not given (keep it out of the shell history)")
    radd.set_defaults(func=cmd_review_user)
    rpass = ruser.add_parser("password", help="set a user's password")
    rpass.add_argument("username")
    rpass.add_argument("--password")
    rpass.set_defaults(func=cmd_review_user)
    rrole = ruser.add_parser("role", help="change a user's role (and business); audited")
    rrole.add_argument("username")
    rrole.add_argument("--role", required=True, choices=["reviewer", "trainer", "admin"])
    rrole.add_argument("--tenant", help="required for reviewers and trainers: the phone_number_id of their business")
    rrole.set_defaults(func=cmd_review_user)
    ruser.add_parser("list", help="list the users").set_defaults(func=cmd_review_user)

    privacy_cli.add_parser(sub)
    notify_cli.add_parser(sub)
    photo_cli.add_parser(sub)
    forecast_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    load_dotenv(ROOT / ".env")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DomainError as error:
        print(f"error: {render(error)}", file=sys.stderr)
        return 2
