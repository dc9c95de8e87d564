"""UPI VPA (virtual payment address), the `name@handle` a UPI payment goes to.

The name has 2 to 256 letters, digits, dots, hyphens or underscores; the handle
(the payment app's bank handle, like `okicici` or `ybl`) has 2 to 64 letters
or digits. Addresses are not case-sensitive; the compact form is lower case.

>>> validate(" Sharma.Kirana@OKICICI ")
'sharma.kirana@okicici'
>>> validate("9876543210@ybl")
'9876543210@ybl'
>>> validate("sharma kirana")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidFormat: invalid_format: kind='UPI id', value='sharmakirana', reason='a UPI id looks like name@bank'
>>> validate("s@ybl")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidComponent: invalid_component: kind='UPI id', value='s@ybl', reason='the part before @ has 2 to 256 letters, digits, dots, hyphens or underscores'
>>> validate("shop@o.k")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidComponent: invalid_component: kind='UPI id', value='shop@o.k', reason='the bank handle after @ has 2 to 64 letters or digits'
>>> is_valid("shop@paytm"), is_valid("shop@@paytm")
(True, False)
>>> handle("shop@paytm")
'paytm'
"""

from __future__ import annotations

import re

from erp_core.errors import InvalidComponent, InvalidFormat, InvalidIdentifier

KIND = "UPI id"
_NAME = re.compile(r"^[a-z0-9._-]{2,256}$")
_HANDLE = re.compile(r"^[a-z0-9]{2,64}$")


def compact(address: str) -> str:
    """The address without spaces, lower-cased."""
    return "".join(address.split()).lower()


def validate(address: str) -> str:
    """The compact address, or `InvalidFormat` (no single @) / `InvalidComponent` (bad name or handle)."""
    address = compact(address)
    if address.count("@") != 1:
        raise InvalidFormat(kind=KIND, value=address, reason="a UPI id looks like name@bank")
    name, bank = address.split("@")
    if not _NAME.match(name):
        raise InvalidComponent(kind=KIND, value=address,
                               reason="the part before @ has 2 to 256 letters, digits, dots, hyphens or underscores")
    if not _HANDLE.match(bank):
        raise InvalidComponent(kind=KIND, value=address, reason="the bank handle after @ has 2 to 64 letters or digits")
    return address


def is_valid(address: str) -> bool:
    try:
        validate(address)
    except InvalidIdentifier:
        return False
    return True


def format(address: str) -> str:  # noqa: A001 - the python-stdnum verb
    """The address as shown to people (compact, lower case)."""
    return compact(address)


def handle(address: str) -> str:
    """The bank handle after the @."""
    return validate(address).split("@")[1]
