"""Reading bills: the fields found in OCR text, the arithmetic that decides what is trusted, and real photos of
each layout of the test set read end to end with tesseract."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from erp_core.ids import gstin as gstin_ids
from erp_core.photos import fields
from erp_core.photos.ocr import Line, Word
from erp_core.photos.reading import JSON_FIELDS, read_bill, read_lines

D = Decimal
ROOT = Path(__file__).resolve().parent.parent.parent
PHOTOS = ROOT / "tests" / "data" / "photos"
TRUTH = json.loads((PHOTOS / "truth.json").read_text(encoding="utf-8"))
GSTIN = "27AAPFU0939F1ZV"


def page(*texts: str, confidence: float = 0.95) -> list[Line]:
    return [Line(tuple(Word(word, confidence) for word in text.split()), top=index * 40)
            for index, text in enumerate(texts)]


def test_a_gstin_is_taken_as_read_when_valid_and_its_shape_forces_letters_and_digits():
    assert fields.fix_gstin(GSTIN) == (GSTIN, 1.0)
    assert fields.fix_gstin("Z7AAPFU0939F1ZV") == (GSTIN, 1.0)     # a Z where a digit must be is a 2
    assert fields.fix_gstin("27AAPFU0939F12ZV") == (GSTIN, 0.6)    # one character too many


def test_a_gstin_is_corrected_only_when_exactly_one_confusable_character_makes_it_valid():
    assert fields.fix_gstin("21AAPFU0939F1ZV") == (GSTIN, 0.6)        # 7 read as 1: the one fix
    assert fields.fix_gstin("27AAPFU0939FIZV") == (GSTIN, 0.6)        # 1 read as I
    for ambiguous in ("27AAPFU0939F1ZU", "27AARFU0939F1ZV"):          # V/U and P/R: two fixes each are valid
        fixes = {ambiguous[:p] + o + ambiguous[p + 1:] for p, c in enumerate(ambiguous)
                 for o in fields._CONFUSED.get(c, "")}
        assert len([fix for fix in fixes if gstin_ids.is_valid(fix)]) >= 2
        assert fields.fix_gstin(ambiguous) is None
    assert fields.fix_gstin("27AAPFU0989F1ZV") is None                 # no confusable fix at all
    assert fields.find_gstin(page("GSTIN: 27AAPFU0939F1ZU")).confidence == 0.1   # shown as unreadable, not fixed


def test_dates_in_indian_order_month_names_and_bikram_sambat():
    assert fields.parse_date("Date: 05/12/2026").ad == date(2026, 12, 5)
    assert fields.parse_date("Dt. 5-Dec-26").ad == date(2026, 12, 5)
    nepali = fields.parse_date("मिति: २०८३/०८/२०")
    assert (nepali.bs, nepali.ad) == ("2083-08-20", date(2026, 12, 6))
    assert fields.parse_date("phone 98765 43210") is None


def test_numbers_in_indian_grouping_and_devanagari_digits_but_not_percentages():
    assert [value for value, *_ in fields.numbers("CGST @ 2.5% 1,23,456.50")] == [D("123456.50")]
    assert [value for value, *_ in fields.numbers("जम्मा १,२००.००")] == [D("1200.00")]


def test_a_bill_that_adds_up_is_trusted_and_its_lines_read_with_units():
    reading = read_lines(page("Balaji Traders", f"GSTIN: {GSTIN}", "TAX INVOICE", "Invoice No: BT/1043 Date: 12/08/2025",
                              "1 Basmati Rice 1006 50 kg 44.00 2,200.00", "2 Soap 3401 12.5 pcs 30.00 375.00",
                              "Taxable Value 2,575.00", "CGST @ 2.5% 64.38", "SGST @ 2.5% 64.38",
                              "Round Off 0.24", "Grand Total 2,704.00"))
    assert (reading.party, reading.gstin, reading.invoice_no, reading.date) == (
        "Balaji Traders", GSTIN, "BT/1043", date(2025, 8, 12))
    assert [(line.name, line.quantity, line.unit, line.amount) for line in reading.lines] == [
        ("Basmati Rice", D(50), "kg", D("2200.00")), ("Soap", D("12.5"), "pcs", D("375.00"))]
    assert (reading.total, reading.tax_total, reading.problems) == (D("2704.00"), D("128.76"), [])
    assert reading.confidence["total"] > 0.9 and reading.confidence["lines"] > 0.9


def test_a_printed_total_that_does_not_add_up_is_replaced_by_the_bills_own_figures_and_marked():
    reading = read_lines(page("Balaji Traders", "1 Rice 10 kg 44.00 440.00", "Taxable Value 440.00",
                              "CGST @ 2.5% 11.00", "SGST @ 2.5% 11.00", "Grand Total 482.00"))
    assert reading.total == D("462.00") and reading.confidence["total"] <= 0.5
    assert any("482" in problem for problem in reading.problems)


def test_a_total_with_no_lines_or_taxes_to_check_it_is_kept_but_not_trusted():
    reading = read_lines(page("Sharma Tea Stall", "TOTAL Rs 120.00"))
    assert reading.total == D("120.00") and reading.confidence["total"] < 0.6


def test_a_quantity_that_lost_its_decimal_point_is_recovered_from_amount_and_rate():
    reading = read_lines(page("Gupta Traders", "5 तूर दाल 1507 125 किलो 139.00 1,737.50", "TOTAL 1,737.50"))
    assert [(line.quantity, line.unit) for line in reading.lines] == [(D("12.5"), "किलो")]


def test_a_receipt_whose_tax_rows_were_not_read_keeps_its_printed_total_and_says_so():
    reading = read_lines(page("Annapurna Restaurant", "Coffee", "5 x 29.00 145.00", "Samosa", "3 x 20.00 60.00",
                              "Sub Total 205.00", "TOTAL Rs 215.00"))
    assert (reading.kind, reading.category) == ("expense", "food")
    assert (reading.total, reading.tax_total) == (D("215.00"), D("10.00"))
    assert reading.problems and reading.confidence["total"] < 0.9


@pytest.mark.parametrize("truth", [t for t in TRUTH if t["file"].endswith(("-scan.jpg", "-turned.jpg"))],
                         ids=lambda truth: truth["file"])
def test_photos_of_every_layout_straight_and_turned_are_read_right(truth):
    got = read_bill(PHOTOS / truth["file"], truth["country"]).as_json()
    assert got["total"] == truth["total"]
    assert (got["kind"], got["date"], got["date_bs"], got["gstin"], got["pan"]) == (
        truth["kind"], truth["date"], truth["date_bs"], truth["gstin"], truth["pan"])
    read = {(line["quantity"], line["amount"]) for line in got["lines"]}
    recalled = [line for line in truth["lines"] if (line["quantity"], line["amount"]) in read]
    assert len(recalled) >= 0.75 * len(truth["lines"])


def test_the_read_photo_command_prints_exactly_the_documented_json():
    done = subprocess.run([sys.executable, "-m", "bot", "read-photo", str(PHOTOS / "13-nepal_vat-scan.jpg"),
                           "--country", "NP", "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert list(got) == [*JSON_FIELDS, "confidence"] and list(got["confidence"]) == list(JSON_FIELDS)
    assert isinstance(got["total"], float) and isinstance(got["lines"][0]["quantity"], float)
    assert got["date_bs"] == TRUTH[12]["date_bs"] and got["pan"] == TRUTH[12]["pan"]
    missing = subprocess.run([sys.executable, "-m", "bot", "read-photo", "no-such.jpg"], capture_output=True,
                             text=True, cwd=ROOT, timeout=60)
    assert missing.returncode != 0 and "no such file" in missing.stderr


def test_a_pdf_bill_is_read_from_its_first_page(tmp_path):
    truth = TRUTH[0]
    pdf = tmp_path / "bill.pdf"
    Image.open(PHOTOS / truth["file"]).save(pdf, "PDF", resolution=150)
    got = read_bill(pdf, "IN").as_json()
    assert (got["total"], got["gstin"], got["invoice_no"]) == (truth["total"], truth["gstin"], truth["invoice_no"])
