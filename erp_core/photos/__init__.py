"""Bills and receipts read from a phone photo: `reading.read_bill(path, country)`.

`image` straightens and evens out the photo, `ocr` runs tesseract (eng+hin or eng+nep, by the shop's country and
the text found), `fields` finds the party, identifiers, date and totals in the text and `line_items` its lines,
and `reading` cross-checks the arithmetic and gives every field a confidence. Nothing here touches the books:
booking a read bill is `erp_core.bill_photos`.
"""
