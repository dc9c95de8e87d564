"""`python -m connectors.simulator`: serve the chat page and the Graph API fake."""

from __future__ import annotations

import argparse
import logging

from connectors.simulator.app import create_app, main_config


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m connectors.simulator", description=__doc__)
    parser.add_argument("--port", type=int, default=5006)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--webhook-url", default="http://127.0.0.1:5005/webhooks/whatsapp/webhook",
                        help="the channel's webhook")
    parser.add_argument("--app-secret", required=True, help="signs the webhooks (the channel's app_secret)")
    parser.add_argument("--access-token", required=True, help="the bearer token the channel must send")
    parser.add_argument("--public-url", default="", help="this server's URL as the channel reaches it")
    parser.add_argument("--business", default="100000000000001", help="the business phone_number_id")
    parser.add_argument("--display-phone-number", default="919800000000")
    parser.add_argument("--customer", default="919800000001", help="the customer's wa_id")
    parser.add_argument("--customer-name", default="Ramesh")
    parser.add_argument("--no-statuses", action="store_true", help="send no sent/delivered/read webhooks")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    app = create_app(main_config(args))
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)


if __name__ == "__main__":
    main()
