"""Bills and receipts read from a phone photo: `reading.read_bill(path, country)`.

`image` straightens and evens out the photo, `ocr` runs tesseract (eng+hin or eng+nep, by the shop's country and
the script found), `fields` finds the party, identifiers, date, totals and line items in the text, and `reading`
cross-checks the arithmetic and gives every field a confidence. Nothing here touches the books: booking a read
bill is `erp_core.bill_photos`.
"""
