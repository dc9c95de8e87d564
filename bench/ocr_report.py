"""How well bills are read from photos: per-field accuracy on `tests/data/photos` and the time per photo.

    .venv/erp/bin/python bench/ocr_report.py            # prints the report and writes docs/ocr-report.md
    .venv/erp/bin/python bench/ocr_report.py --no-write  # prints only

A field is right when it equals the truth (money to the paisa, dates to the day, identifiers and bill numbers
exactly, the party's name at a fuzzy ratio of 85 or more). A truth line is recalled when a line read has its
amount and quantity; line amount accuracy is the share of lines read whose amount is one of the bill's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from erp_core.photos.reading import read_bill  # noqa: E402

PHOTOS = ROOT / "tests" / "data" / "photos"
REPORT = ROOT / "docs" / "ocr-report.md"
TARGETS = {"total": 0.90, "gstin": 0.95, "line_recall": 0.80, "p95_seconds": 5.0}


def same_party(read: str | None, truth: str | None) -> bool:
    return bool(read and truth) and fuzz.ratio(read.lower(), truth.lower()) >= 85


def score(truth: dict, got: dict) -> dict:
    """Per-field rights and wrongs for one photo."""
    lines = truth["lines"]
    read = got["lines"]
    recalled = sum(any(abs(line["amount"] - r["amount"]) < 0.005 and abs(line["quantity"] - r["quantity"]) < 0.005
                       for r in read) for line in lines)
    amounts_right = sum(any(abs(r["amount"] - line["amount"]) < 0.005 for line in lines) for r in read)
    return {
        "total": got["total"] is not None and abs(got["total"] - truth["total"]) < 0.005,
        "tax_total": got["tax_total"] is not None and abs(got["tax_total"] - truth["tax_total"]) < 0.005,
        "date": got["date"] == truth["date"],
        "date_bs": got["date_bs"] == truth["date_bs"],
        "gstin": None if not truth["gstin"] else got["gstin"] == truth["gstin"],
        "pan": None if not truth["pan"] else got["pan"] == truth["pan"],
        "invoice_no": None if not truth["invoice_no"] else (got["invoice_no"] or "").upper() == truth["invoice_no"].upper(),
        "party": same_party(got["party"], truth["party"]),
        "kind": got["kind"] == truth["kind"],
        "lines_true": len(lines), "lines_recalled": recalled, "lines_read": len(read), "amounts_right": amounts_right,
    }


def rate(scores: list[dict], name: str) -> tuple[int, int]:
    counted = [s[name] for s in scores if s[name] is not None]
    return sum(counted), len(counted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    truths = json.loads((PHOTOS / "truth.json").read_text(encoding="utf-8"))
    load = os.getloadavg()[0]
    scores, times, misses = [], [], []
    for truth in truths:
        started = time.perf_counter()
        reading = read_bill(PHOTOS / truth["file"], truth["country"])
        times.append(time.perf_counter() - started)
        got = reading.as_json()
        result = score(truth, got)
        scores.append(result)
        wrong = [name for name in ("total", "date", "gstin", "invoice_no", "party", "kind") if result[name] is False]
        if result["lines_recalled"] < result["lines_true"]:
            wrong.append(f"lines {result['lines_recalled']}/{result['lines_true']}")
        if wrong:
            misses.append(f"- `{truth['file']}`: " + "; ".join(
                f"{name} read {got[name]!r}, truth {truth[name]!r}" if name in got else name for name in wrong))
        print(f"{truth['file']:<36} {times[-1]:5.2f} s  {'ok' if not wrong else ', '.join(wrong)}", flush=True)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    rows = []
    for name, label in (("total", "grand total"), ("tax_total", "tax total"), ("date", "date"),
                        ("date_bs", "date (Bikram Sambat)"), ("gstin", "GSTIN (bills that print one)"),
                        ("pan", "PAN/VAT number (Nepal)"), ("invoice_no", "invoice number"), ("party", "party"),
                        ("kind", "kind (purchase or expense)")):
        right, out_of = rate(scores, name)
        target = TARGETS.get(name)
        verdict = "" if target is None else ("met" if right / out_of >= target else "**missed**")
        rows.append(f"| {label} | {right} / {out_of} | {right / out_of:.1%} | "
                    f"{'' if target is None else f'≥ {target:.0%}'} | {verdict} |")
    true_lines = sum(s["lines_true"] for s in scores)
    recalled = sum(s["lines_recalled"] for s in scores)
    read_lines = sum(s["lines_read"] for s in scores)
    amounts = sum(s["amounts_right"] for s in scores)
    rows.append(f"| line recall | {recalled} / {true_lines} | {recalled / true_lines:.1%} | ≥ 80% | "
                f"{'met' if recalled / true_lines >= TARGETS['line_recall'] else '**missed**'} |")
    rows.append(f"| line amount accuracy (of lines read) | {amounts} / {read_lines} | "
                f"{amounts / max(1, read_lines):.1%} | | |")
    rows.append(f"| time per photo, p50 / p95 | | {statistics.median(times):.2f} s / {p95:.2f} s | p95 < 5 s | "
                f"{'met' if p95 < TARGETS['p95_seconds'] else '**missed**'} |")
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    report = "\n".join([
        "# OCR report: bills and receipts read from photos",
        "",
        f"Written by `bench/ocr_report.py` on {when} ({platform.node() or 'this machine'}, {os.cpu_count()} cores, "
        f"load average {load:.2f} at the start). {len(truths)} photos in `tests/data/photos/` made by "
        "`bench/photo_set.py`: GST tax invoices in English and with Hindi labels and items, Nepali VAT bills with "
        "Bikram Sambat dates, kacha estimates without tax, fuel-pump and tea-stall thermal receipts; each as a "
        "clean scan, tilted 2-7°, in perspective, in uneven light, out of focus, and turned on its side or upside "
        "down, all sent as WhatsApp-sized JPEGs (long side 1600 px, quality 55-75). One process reads them one "
        "after another (`erp_core.photos.reading.read_bill`).",
        "",
        "| field | right | share | target | |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "Misses, photo by photo:" if misses else "No misses.",
        "",
        *misses,
        "",
    ])
    print(report)
    if not args.no_write:
        REPORT.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
