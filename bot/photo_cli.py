"""`bot read-photo IMAGE [--country IN|NP] [--json]`: what the bot reads off a photo of a bill or receipt, for
trainers checking a photo the bot misread and for integrators trying the reader on their own bills."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def cmd_read_photo(args: argparse.Namespace) -> int:
    from PIL import UnidentifiedImageError

    from erp_core.photos.reading import read_bill

    path = Path(args.image)
    if not path.is_file():
        raise SystemExit(f"error: no such file: {path}")
    try:
        reading = read_bill(path, args.country)
    except (UnidentifiedImageError, OSError) as error:
        raise SystemExit(f"error: {path} is not an image tesseract can read ({error})") from None
    if args.json:
        print(json.dumps(reading.as_json(), ensure_ascii=False, indent=2))
        return 0
    found = reading.as_json()
    for name in ("kind", "party", "gstin", "pan", "invoice_no", "date", "date_bs", "total", "tax_total"):
        print(f"{name:<11} {found[name]!s:<40} {found['confidence'][name]:.2f}")
    for line in found["lines"]:
        print(f"  {line['name']:<30} {line['quantity']:>8g} {line['unit']:<8} × {line['rate']:>10.2f} = "
              f"{line['amount']:>10.2f}")
    for problem in reading.problems:
        print(f"! {problem}")
    print(f"# {', '.join(reading.steps) or 'used as sent'}; tesseract {reading.language}; {reading.seconds:.2f} s")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """`bot read-photo`."""
    read = sub.add_parser("read-photo", help="read a photo of a bill or receipt and print what was found")
    read.add_argument("image", help="a JPEG or PNG photo")
    read.add_argument("--country", choices=("IN", "NP"), default="IN",
                      help="the shop's country: tesseract reads English with Hindi (IN) or Nepali (NP)")
    read.add_argument("--json", action="store_true", help="print the fields as JSON (kind, party, gstin, pan, "
                                                          "invoice_no, date, date_bs, total, tax_total, lines, "
                                                          "confidence)")
    read.set_defaults(func=cmd_read_photo)
