"""`bot forecast --history FILE.csv --horizon DAYS --out FILE.csv`: demand forecasts from a CSV of daily sales,
without a database, so a trainer or an integrator can check the model on their own data.

The input has a header and the columns `date,product,quantity` (ISO dates, one row per product and day; a day
without a row is a day that product sold nothing, from its first row to the file's last date). The output has
`date,product,forecast,lower,upper` for each product and each of the `DAYS` days after the file's last date
(the interval is 80 % unless `--level` says otherwise)."""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path


def read_history(path: Path) -> tuple[dict[str, dict[date, float]], date]:
    """Product → {day: quantity}, and the file's last date; `SystemExit` naming the line of bad input."""
    sales: dict[str, dict[date, float]] = defaultdict(dict)
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        if reader.fieldnames is None or not {"date", "product", "quantity"} <= set(reader.fieldnames):
            raise SystemExit(f"error: {path} needs the header date,product,quantity")
        for number, row in enumerate(reader, start=2):
            try:
                day, quantity = date.fromisoformat(row["date"].strip()), float(row["quantity"])
            except (ValueError, AttributeError):
                raise SystemExit(f"error: {path} line {number}: a date (YYYY-MM-DD) and a number expected") from None
            if quantity < 0 or not row["product"].strip():
                raise SystemExit(f"error: {path} line {number}: a product and a quantity of 0 or more expected")
            product = row["product"].strip()
            sales[product][day] = sales[product].get(day, 0.0) + quantity
    if not sales:
        raise SystemExit(f"error: {path} has no rows")
    return sales, max(day for days in sales.values() for day in days)


def cmd_forecast(args: argparse.Namespace) -> int:
    import numpy as np

    from erp_core.forecasting.demand import forecast

    if args.horizon < 1 or args.horizon > 366:
        raise SystemExit("error: --horizon is 1 to 366 days")
    sales, last = read_history(Path(args.history))
    out = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")
    try:
        writer = csv.writer(out)
        writer.writerow(["date", "product", "forecast", "lower", "upper"])
        for product in sorted(sales):
            first = min(sales[product])
            days = (last - first).days + 1
            history = np.array([sales[product].get(first + timedelta(days=i), 0.0) for i in range(days)])
            result = forecast(history, first, args.horizon, country=args.country, level=args.level)
            for i in range(args.horizon):
                writer.writerow([(result.start + timedelta(days=i)).isoformat(), product, f"{result.mean[i]:.3f}",
                                 f"{result.lower[i]:.3f}", f"{result.upper[i]:.3f}"])
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """`bot forecast`."""
    fc = sub.add_parser("forecast", help="forecast daily demand from a CSV of sales (date,product,quantity)")
    fc.add_argument("--history", required=True, help="CSV with date,product,quantity")
    fc.add_argument("--horizon", type=int, required=True, help="days to forecast after the last date")
    fc.add_argument("--out", required=True, help="CSV to write date,product,forecast,lower,upper ('-': stdout)")
    fc.add_argument("--country", choices=("IN", "NP"), default="IN", help="whose festivals to expect")
    fc.add_argument("--level", type=int, default=80, choices=range(50, 100), metavar="50-99",
                    help="the interval's coverage in percent")
    fc.set_defaults(func=cmd_forecast)
