"""Make the bill-photo test set: `tests/data/photos/*.jpg` and `truth.json`.

Bills are drawn the way shops receive them (a wholesaler's GST tax invoice in English, one with Hindi labels
and items, a Nepali VAT bill with a Bikram Sambat date, a kacha estimate without tax, thermal receipts from a
fuel pump and a tea stall), then photographed the way a phone does: the paper on a desk, tilted or turned,
seen in perspective, in uneven light, out of focus, and sent as a JPEG at WhatsApp's size (long side 1600 px).
Every number on a bill is computed here, so `truth.json` is the truth for every field `bot read-photo` prints.

    .venv/erp/bin/python bench/photo_set.py            # rewrites the set (seeded: the same bytes each run)
"""

from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import nepali_datetime
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from erp_core.ids import gstin as gstin_ids  # noqa: E402
from phone_camera import photograph  # noqa: E402

OUT = ROOT / "tests" / "data" / "photos"
FONTS = Path("/usr/share/fonts/truetype")
SANS, SANS_BOLD = FONTS / "dejavu/DejaVuSans.ttf", FONTS / "dejavu/DejaVuSans-Bold.ttf"
MONO = FONTS / "dejavu/DejaVuSansMono.ttf"
DEVA, DEVA_BOLD = FONTS / "noto/NotoSansDevanagari-Regular.ttf", FONTS / "noto/NotoSansDevanagari-Bold.ttf"
CENT = Decimal("0.01")
DEVANAGARI_DIGITS = str.maketrans("0123456789", "०१२३४५६७८९")

SUPPLIERS_IN = ["Balaji Traders", "Shree Ganesh Agencies", "Mahalaxmi Distributors", "Gupta Wholesale Mart",
                "Jain Brothers", "Krishna Enterprises", "Shiv Shakti Traders", "Agarwal Sales Corporation"]
SUPPLIERS_HI = ["बालाजी ट्रेडर्स", "श्री गणेश एजेंसी", "महालक्ष्मी ट्रेडर्स", "गुप्ता होलसेल"]
SUPPLIERS_NP = ["सगरमाथा ट्रेडर्स", "भेरी सप्लायर्स", "कर्णाली होलसेल", "लक्ष्मी किराना सप्लायर्स"]
ITEMS_EN = [("Sugar", "kg", "42"), ("Basmati Rice", "kg", "95"), ("Toor Dal", "kg", "140"),
            ("Maggi Noodles 70g", "pcs", "14"), ("Fortune Oil 1L", "pcs", "155"), ("Tata Salt 1kg", "pcs", "28"),
            ("Parle-G 250g", "pcs", "25"), ("Surf Excel 1kg", "pcs", "130"), ("Atta 10kg", "bag", "410"),
            ("Red Label Tea 500g", "pcs", "260"), ("Lux Soap", "pcs", "38"), ("Moong Dal", "kg", "120")]
ITEMS_HI = [("चीनी", "किलो", "42"), ("बासमती चावल", "किलो", "95"), ("तूर दाल", "किलो", "140"),
            ("सरसों तेल", "लीटर", "160"), ("नमक", "पैकेट", "25"), ("आटा", "बोरी", "410"), ("चना दाल", "किलो", "90")]
ITEMS_NP = [("चिनी", "केजी", "110"), ("चामल", "केजी", "85"), ("मसुरो दाल", "केजी", "165"), ("तोरीको तेल", "लिटर", "290"),
            ("वाइवाइ चाउचाउ", "प्याकेट", "25"), ("नुन", "प्याकेट", "30"), ("चिया पत्ती", "प्याकेट", "120")]
TEA_ITEMS = [("Masala Chai", "pcs", "15"), ("Samosa", "pcs", "20"), ("Veg Sandwich", "pcs", "60"),
             ("Coffee", "pcs", "30"), ("Poha", "pcs", "35")]


@dataclass
class Bill:
    """One bill's truth, in `bot read-photo --json`'s shape, and how to draw it."""

    layout: str
    country: str
    kind: str
    party: str
    invoice_no: str | None
    day: date
    lines: list[dict]
    rate: Decimal = Decimal(0)
    gstin: str | None = None
    pan: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def taxable(self) -> Decimal:
        return sum((Decimal(str(line["amount"])) for line in self.lines), Decimal(0))

    @property
    def tax(self) -> Decimal:
        half = (self.taxable * self.rate / 200).quantize(CENT, ROUND_HALF_UP)
        return half * 2 if self.country == "IN" else (self.taxable * self.rate / 100).quantize(CENT, ROUND_HALF_UP)

    @property
    def total(self) -> Decimal:
        return (self.taxable + self.tax).quantize(Decimal(1), ROUND_HALF_UP)

    @property
    def round_off(self) -> Decimal:
        return self.total - self.taxable - self.tax

    def truth(self, name: str) -> dict:
        bs = nepali_datetime.date.from_datetime_date(self.day).strftime("%Y-%m-%d") if self.country == "NP" else None
        return {"file": name, "country": self.country, "layout": self.layout, "kind": self.kind,
                "party": self.party, "gstin": self.gstin, "pan": self.pan, "invoice_no": self.invoice_no,
                "date": self.day.isoformat(), "date_bs": bs, "total": float(self.total),
                "tax_total": float(self.tax), "lines": self.lines}


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def a_gstin(rng: random.Random) -> str:
    state = rng.choice(["27", "09", "07", "24", "08", "23", "06", "10"])
    pan = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)) + "P" + rng.choice("ABCGJKLMS") + \
        f"{rng.randint(1000, 9999)}" + rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")
    body = state + pan + "1Z"
    return body + gstin_ids.calc_check_character(body)


def some_lines(rng: random.Random, items: list[tuple[str, str, str]], count: int, *, halves: bool = True) -> list[dict]:
    lines = []
    for name, unit, rate in rng.sample(items, count):
        qty = Decimal(rng.choice([1, 2, 3, 5, 6, 10, 12, 20, 24, 25, 50]))
        if halves and unit in ("kg", "किलो", "केजी") and rng.random() < 0.3:
            qty += Decimal("0.5")
        price = Decimal(rate) + Decimal(rng.choice([0, 0, 0.5, 2, -1]))
        lines.append({"name": name, "quantity": float(qty), "unit": unit, "rate": float(price),
                      "amount": float((qty * price).quantize(CENT, ROUND_HALF_UP))})
    return lines


# ---------------------------------------------------------------------------------------------- drawing


class Page:
    """A sheet of paper to write lines of text on."""

    def __init__(self, width: int, height: int, tint: int = 255) -> None:
        self.image = Image.new("L", (width, height), tint)
        self.draw = ImageDraw.Draw(self.image)
        self.y = 40

    def text(self, x: int, words: str, font: ImageFont.FreeTypeFont, *, right: bool = False,
             centre: bool = False) -> None:
        runs = script_runs(words, font)
        width = sum(self.draw.textlength(run, font=face) for run, face in runs)
        if right:
            x -= int(width)
        elif centre:
            x = int((self.image.width - width) / 2)
        for run, face in runs:
            self.draw.text((x, self.y), run, fill=20, font=face)
            x += int(self.draw.textlength(run, font=face))

    def row(self, cells: list[tuple[int, str, bool]], font: ImageFont.FreeTypeFont, gap: int = 10) -> None:
        for x, words, right in cells:
            self.text(x, words, font, right=right)
        self.y += font.size + gap

    def line(self, gap: int = 12) -> None:
        self.draw.line((40, self.y, self.image.width - 40, self.y), fill=60, width=2)
        self.y += gap

    def cropped(self) -> Image.Image:
        return self.image.crop((0, 0, self.image.width, min(self.image.height, self.y + 60)))


def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


_DEVANAGARI_RUN = re.compile(r"([\u0900-\u097F][\u0900-\u097F ]*)")


def script_runs(words: str, face: ImageFont.FreeTypeFont) -> list[tuple[str, ImageFont.FreeTypeFont]]:
    """The text cut into Devanagari and other runs, each with a font that has its letters (Noto's Devanagari
    fonts have no Latin capitals; DejaVu has no Devanagari)."""
    if "Devanagari" not in str(face.path):
        return [(words, face)]
    latin = font(SANS_BOLD if "Bold" in str(face.path) else SANS, face.size)
    return [(run, face if _DEVANAGARI_RUN.fullmatch(run) else latin)
            for run in _DEVANAGARI_RUN.split(words) if run]


def draw_invoice(bill: Bill, *, hindi: bool) -> Image.Image:
    """A wholesaler's tax invoice (A4 at about 150 dpi): English labels, or Hindi ones."""
    body = font(DEVA if hindi else SANS, 26)
    bold = font(DEVA_BOLD if hindi else SANS_BOLD, 40)
    page = Page(1240, 1754)
    label = {"title": "कर बीजक" if hindi else "TAX INVOICE", "no": "बिल नं." if hindi else "Invoice No:",
             "date": "दिनांक:" if hindi else "Date:", "item": "विवरण" if hindi else "Description",
             "qty": "मात्रा" if hindi else "Qty", "rate": "दर" if hindi else "Rate",
             "amount": "राशि" if hindi else "Amount", "taxable": "कर योग्य राशि" if hindi else "Taxable Value",
             "round": "राउंड ऑफ" if hindi else "Round Off", "total": "कुल योग" if hindi else "Grand Total",
             "to": "खरीदार: शर्मा किराना स्टोर" if hindi else "Bill To: Sharma Kirana Store, Pune"}
    page.text(0, bill.party, bold, centre=True)
    page.y += 56
    page.text(0, bill.extra["address"], font(SANS, 22), centre=True)
    page.y += 34
    page.text(0, f"GSTIN: {bill.gstin}", body, centre=True)
    page.y += 44
    page.text(0, label["title"], font(DEVA_BOLD if hindi else SANS_BOLD, 30), centre=True)
    page.y += 50
    page.line()
    page.row([(60, f"{label['no']} {bill.invoice_no}", False),
              (1180, f"{label['date']} {bill.extra['date_text']}", True)], body)
    page.row([(60, label["to"], False)], body)
    page.line()
    page.row([(60, "#", False), (110, label["item"], False), (600, "HSN", False), (850, label["qty"], True),
              (990, label["rate"], True), (1180, label["amount"], True)], body)
    page.line()
    for number, line in enumerate(bill.lines, 1):
        qty = Decimal(str(line["quantity"])).normalize()
        page.row([(60, str(number), False), (110, line["name"], False), (600, line["hsn"], False),
                  (850, f"{qty:f} {line['unit']}", True), (990, money(Decimal(str(line["rate"]))), True),
                  (1180, money(Decimal(str(line["amount"]))), True)], body, gap=16)
    page.line()
    half = bill.rate / 2
    summary = [(label["taxable"], bill.taxable), (f"CGST @ {half.normalize():f}%", bill.tax / 2),
               (f"SGST @ {half.normalize():f}%", bill.tax / 2), (label["round"], bill.round_off)]
    for words, value in summary:
        page.row([(640, words, False), (1180, money(value), True)], body)
    page.line()
    page.row([(640, label["total"], False), (1180, f"₹ {money(bill.total)}", True)], font(DEVA_BOLD if hindi
                                                                                          else SANS_BOLD, 30))
    page.y += 30
    page.text(60, "Thank you for your business" if not hindi else "धन्यवाद", font(SANS if not hindi else DEVA, 22))
    return page.cropped()


def draw_nepal_vat(bill: Bill) -> Image.Image:
    """A Nepali VAT bill: PAN, a Bikram Sambat date, VAT at 13 %."""
    body, bold = font(DEVA, 26), font(DEVA_BOLD, 40)
    page = Page(1240, 1754, tint=250)
    page.text(0, bill.party, bold, centre=True)
    page.y += 62
    page.text(0, bill.extra["address"], font(DEVA, 24), centre=True)
    page.y += 40
    page.text(0, f"पान नं: {bill.pan}", body, centre=True)
    page.y += 44
    page.text(0, "कर बीजक", font(DEVA_BOLD, 30), centre=True)
    page.y += 52
    page.line()
    page.row([(60, f"बिल नं: {bill.invoice_no}", False), (1180, f"मिति: {bill.extra['date_text']}", True)], body)
    page.row([(60, "ग्राहक: श्रेष्ठ किराना पसल, सुर्खेत", False)], body)
    page.line()
    page.row([(60, "क्र.सं.", False), (150, "विवरण", False), (760, "परिमाण", True), (960, "दर", True),
              (1180, "रकम", True)], body)
    page.line()
    for number, line in enumerate(bill.lines, 1):
        qty = Decimal(str(line["quantity"])).normalize()
        page.row([(60, str(number), False), (150, line["name"], False), (760, f"{qty:f} {line['unit']}", True),
                  (960, money(Decimal(str(line["rate"]))), True), (1180, money(Decimal(str(line["amount"]))), True)],
                 body, gap=16)
    page.line()
    for words, value in [("जम्मा", bill.taxable), ("भ्याट १३%", bill.tax), ("राउन्ड अफ", bill.round_off)]:
        page.row([(640, words, False), (1180, money(value), True)], body)
    page.line()
    page.row([(640, "कुल जम्मा", False), (1180, f"रु. {money(bill.total)}", True)], font(DEVA_BOLD, 30))
    return page.cropped()


def draw_estimate(bill: Bill) -> Image.Image:
    """A kacha bill: no GSTIN, no tax, a serial number and a total."""
    body = font(SANS, 28)
    page = Page(1000, 1400, tint=246)
    page.text(0, bill.party, font(SANS_BOLD, 38), centre=True)
    page.y += 54
    page.text(0, "ESTIMATE / CASH MEMO", font(SANS_BOLD, 26), centre=True)
    page.y += 48
    page.row([(50, f"No. {bill.invoice_no}", False), (950, f"Dt. {bill.extra['date_text']}", True)], body)
    page.line()
    page.row([(50, "Particulars", False), (600, "Qty", True), (770, "Rate", True), (950, "Amount", True)], body)
    page.line()
    for line in bill.lines:
        qty = Decimal(str(line["quantity"])).normalize()
        page.row([(50, line["name"], False), (600, f"{qty:f} {line['unit']}", True),
                  (770, money(Decimal(str(line["rate"]))), True), (950, money(Decimal(str(line["amount"]))), True)],
                 body, gap=18)
    page.line()
    page.row([(450, "TOTAL", False), (950, money(bill.total), True)], font(SANS_BOLD, 32))
    return page.cropped()


def draw_thermal(bill: Bill) -> Image.Image:
    """A thermal receipt: 58 mm paper, monospaced, centred header."""
    mono, big = font(MONO, 22), font(MONO, 26)
    page = Page(520, 1400, tint=242)
    page.text(0, bill.party.upper(), big, centre=True)
    page.y += 34
    for words in bill.extra["header"]:
        page.text(0, words, mono, centre=True)
        page.y += 28
    page.y += 6
    page.text(24, "-" * 36, mono)
    page.y += 28
    if bill.invoice_no:
        page.text(24, f"Bill No: {bill.invoice_no}", mono)
        page.y += 28
    page.text(24, f"Date: {bill.extra['date_text']}", mono)
    page.y += 28
    page.text(24, "-" * 36, mono)
    page.y += 28
    for line in bill.lines:
        qty = Decimal(str(line["quantity"])).normalize()
        if bill.extra.get("fuel"):
            for words in (f"Product: {line['name']}", f"Rate(Rs/L): {money(Decimal(str(line['rate'])))}",
                          f"Volume(L): {qty:f}", f"Amount(Rs): {money(Decimal(str(line['amount'])))}"):
                page.text(24, words, mono)
                page.y += 28
        else:
            page.text(24, line["name"], mono)
            page.y += 28
            page.text(40, f"{qty:f} x {money(Decimal(str(line['rate'])))}", mono)
            page.text(496, money(Decimal(str(line["amount"]))), mono, right=True)
            page.y += 30
    page.text(24, "-" * 36, mono)
    page.y += 28
    if bill.tax:
        for words, value in [("Sub Total", bill.taxable), (f"CGST {bill.rate / 2}%", bill.tax / 2),
                             (f"SGST {bill.rate / 2}%", bill.tax / 2)]:
            page.text(24, words, mono)
            page.text(496, money(value), mono, right=True)
            page.y += 28
    page.text(24, "TOTAL", big)
    page.text(496, f"Rs {money(bill.total)}", big, right=True)
    page.y += 40
    page.text(0, "THANK YOU. VISIT AGAIN", mono, centre=True)
    return page.cropped()


# ---------------------------------------------------------------------------------------------- bills


def a_day(rng: random.Random) -> date:
    return date(2026, 4, 1) + timedelta(days=rng.randint(0, 240))


def make_bill(layout: str, rng: random.Random) -> Bill:
    day = a_day(rng)
    if layout in ("gst_invoice", "hindi_invoice"):
        hindi = layout == "hindi_invoice"
        items = ITEMS_HI if hindi else ITEMS_EN
        lines = some_lines(rng, items, rng.randint(3, 6))
        for line in lines:
            line["hsn"] = rng.choice(["1701", "1006", "0713", "1902", "1507", "2501", "3401"])
        bill = Bill(layout, "IN", "purchase", rng.choice(SUPPLIERS_HI if hindi else SUPPLIERS_IN),
                    f"{rng.choice(['GT', 'BT', 'INV', 'SGA'])}/{rng.randint(100, 9999)}", day, lines,
                    rate=Decimal(rng.choice([5, 12, 18])), gstin=a_gstin(rng),
                    extra={"address": rng.choice(["Shop 12, Market Yard, Pune 411037",
                                                  "45 Naya Bazar, Delhi 110006", "Station Road, Indore 452001"]),
                           "date_text": rng.choice([day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"),
                                                    day.strftime("%d.%m.%Y"), day.strftime("%d-%b-%Y")])})
    elif layout == "nepal_vat":
        lines = some_lines(rng, ITEMS_NP, rng.randint(3, 5))
        bs = nepali_datetime.date.from_datetime_date(day)
        text = bs.strftime("%Y/%m/%d")
        bill = Bill(layout, "NP", "purchase", rng.choice(SUPPLIERS_NP), str(rng.randint(100, 4999)), day, lines,
                    rate=Decimal(13), pan=str(rng.randint(300000000, 699999999)),
                    extra={"address": rng.choice(["वीरेन्द्रनगर-६, सुर्खेत", "नेपालगन्ज-१, बाँके", "धनगढी, कैलाली"]),
                           "date_text": text.translate(DEVANAGARI_DIGITS) if rng.random() < 0.3 else text})
    elif layout == "estimate":
        lines = some_lines(rng, ITEMS_EN, rng.randint(2, 5))
        bill = Bill(layout, "IN", "purchase", rng.choice(["Raju Kirana Wholesale", "Maa Durga Stores",
                                                          "New Anand Traders", "Om Sai General Stores"]),
                    str(rng.randint(10, 999)), day, lines, extra={"date_text": day.strftime("%d/%m/%y")})
    elif layout == "fuel_receipt":
        rate = Decimal(rng.choice(["104.21", "94.72", "106.31", "103.44"]))
        amount = Decimal(rng.choice([200, 300, 500, 550, 1000, 1500]))
        volume = (amount / rate).quantize(CENT, ROUND_HALF_UP)
        line = {"name": rng.choice(["Petrol", "Diesel"]), "quantity": float(volume), "unit": "L",
                "rate": float(rate), "amount": float(amount)}
        bill = Bill(layout, "IN", "expense", rng.choice(["Indian Oil", "HP Petrol Pump", "Bharat Petroleum"]),
                    str(rng.randint(10000, 99999)), day, [line],
                    extra={"fuel": True, "header": ["COCO Outlet, Nagar Road", "Pune"],
                           "date_text": day.strftime("%d/%m/%Y") + f" {rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}"})
    else:  # tea_receipt
        lines = some_lines(rng, TEA_ITEMS, rng.randint(2, 4), halves=False)
        for line in lines:
            line["quantity"] = float(min(Decimal(str(line["quantity"])), Decimal(6)))
            line["rate"] = float(Decimal(str(line["rate"])).quantize(Decimal(1)))
            line["amount"] = float(Decimal(str(line["quantity"])) * Decimal(str(line["rate"])))
        bill = Bill(layout, "IN", "expense", rng.choice(["Sharma Tea Stall", "Annapurna Restaurant"]),
                    str(rng.randint(100, 9999)), day, lines, rate=Decimal(5), gstin=a_gstin(rng),
                    extra={"header": ["MG Road, Pune", f"GSTIN {''}"], "date_text": day.strftime("%d-%m-%Y")})
        bill.extra["header"] = ["MG Road, Pune", f"GSTIN:{bill.gstin}"]
    return bill


def draw(bill: Bill) -> Image.Image:
    if bill.layout in ("gst_invoice", "hindi_invoice"):
        return draw_invoice(bill, hindi=bill.layout == "hindi_invoice")
    if bill.layout == "nepal_vat":
        return draw_nepal_vat(bill)
    if bill.layout == "estimate":
        return draw_estimate(bill)
    return draw_thermal(bill)


LAYOUTS = ["gst_invoice", "hindi_invoice", "nepal_vat", "estimate", "fuel_receipt", "tea_receipt"]
LOOKS = ["scan", "tilt", "perspective", "shadow", "blur", "turned"]


def main() -> None:
    rng = random.Random(2026_12_07)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.jpg"):
        old.unlink()
    truths = []
    for layout in LAYOUTS:
        for look in LOOKS:
            bill = make_bill(layout, rng)
            name = f"{len(truths) + 1:02d}-{layout}-{look}.jpg"
            photo = photograph(draw(bill), look, rng)
            photo.save(OUT / name, "JPEG", quality=rng.choice([55, 65, 75]), optimize=True)
            truth = bill.truth(name)
            truth["lines"] = [{k: v for k, v in line.items() if k != "hsn"} for line in truth["lines"]]
            truths.append(truth)
    (OUT / "truth.json").write_text(json.dumps(truths, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(truths)} photos in {OUT}")


if __name__ == "__main__":
    main()
