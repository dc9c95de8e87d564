"""Indian state and union-territory codes as GST uses them (first two digits of a GSTIN,
place of supply on invoices and returns).

The table is the current one: 26 is the merged Dadra & Nagar Haveli and Daman & Diu
(25 is retired), 37 is Andhra Pradesh (28 is retired), 38 is Ladakh and 97 is
"Other Territory".

>>> name_of("27")
'Maharashtra'
>>> code_of("maharashtra"), code_of("27"), code_of("7"), code_of("Delhi"), code_of("")
('27', '27', '07', '07', None)
"""

from __future__ import annotations

STATES: dict[str, str] = {
    "01": "Jammu and Kashmir",
    "02": "Himachal Pradesh",
    "03": "Punjab",
    "04": "Chandigarh",
    "05": "Uttarakhand",
    "06": "Haryana",
    "07": "Delhi",
    "08": "Rajasthan",
    "09": "Uttar Pradesh",
    "10": "Bihar",
    "11": "Sikkim",
    "12": "Arunachal Pradesh",
    "13": "Nagaland",
    "14": "Manipur",
    "15": "Mizoram",
    "16": "Tripura",
    "17": "Meghalaya",
    "18": "Assam",
    "19": "West Bengal",
    "20": "Jharkhand",
    "21": "Odisha",
    "22": "Chhattisgarh",
    "23": "Madhya Pradesh",
    "24": "Gujarat",
    "26": "Dadra and Nagar Haveli and Daman and Diu",
    "27": "Maharashtra",
    "29": "Karnataka",
    "30": "Goa",
    "31": "Lakshadweep",
    "32": "Kerala",
    "33": "Tamil Nadu",
    "34": "Puducherry",
    "35": "Andaman and Nicobar Islands",
    "36": "Telangana",
    "37": "Andhra Pradesh",
    "38": "Ladakh",
    "97": "Other Territory",
}

_ALIASES = {
    "orissa": "21", "pondicherry": "34", "new delhi": "07", "nct of delhi": "07", "j&k": "01",
    "jammu & kashmir": "01", "andaman & nicobar islands": "35", "uttaranchal": "05",
    "daman and diu": "26", "dadra and nagar haveli": "26",
}
_BY_NAME = {name.lower(): code for code, name in STATES.items()} | _ALIASES


def name_of(code: str) -> str:
    """The state's name for a two-digit code (KeyError for unknown codes)."""
    return STATES[code]


def code_of(state: str | None) -> str | None:
    """The two-digit code for a state written as a code or a name; None if unknown or empty."""
    if not state or not state.strip():
        return None
    text = " ".join(state.strip().lower().split())
    if text.isdigit():
        code = text.zfill(2)
        return code if code in STATES else None
    return _BY_NAME.get(text)
