"""WhatsApp ids: who a message is from and to.

A WhatsApp id is the person's number with its country code, digits only (8 to 15),
or, for a person who hides their number behind a username, their business-scoped
user id: a two-letter country code, a period, and up to 128 letters and digits
(`ENT.` before them for a parent id shared by several portfolios).

>>> validate(" +91 98765 43210 ")
'919876543210'
>>> validate("IN.1502576394655843"), validate("US.ENT.11815799212886844830")
('IN.1502576394655843', 'US.ENT.11815799212886844830')
>>> is_user_id("IN.1502576394655843"), is_user_id("919876543210")
(True, False)
>>> validate("98765")
Traceback (most recent call last):
    ...
erp_core.errors.InvalidFormat: invalid_format: kind='WhatsApp id', value='98765', reason='a WhatsApp id is a number of 8 to 15 digits with its country code, or a user id like IN.1502576394655843'
>>> is_valid("IN.150257-6394"), len(validate("IN." + "7" * 128)) == MAX_LENGTH - 4
(False, True)
>>> format("919876543210"), format("IN.1502576394655843")
('+919876543210', 'IN.1502576394655843')
"""

from __future__ import annotations

import re

from erp_core.errors import InvalidFormat, InvalidIdentifier

KIND = "WhatsApp id"
MAX_LENGTH = 135
"""The longest WhatsApp id: a parent user id (`US.ENT.` and 128 characters); columns holding one are this wide."""
_NUMBER = re.compile(r"^\d{8,15}$")
_USER_ID = re.compile(r"^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$")


def compact(wa_id: str) -> str:
    """A number without spaces, dashes or its leading +; a user id as it is (without surrounding spaces)."""
    wa_id = wa_id.strip()
    return wa_id if "." in wa_id else re.sub(r"[\s()+-]", "", wa_id)


def is_user_id(wa_id: str) -> bool:
    """Whether `wa_id` is a business-scoped user id rather than a number."""
    return bool(_USER_ID.match(wa_id))


def validate(wa_id: str) -> str:
    """The compact WhatsApp id, or `InvalidFormat`."""
    wa_id = compact(wa_id)
    if not (_NUMBER.match(wa_id) or _USER_ID.match(wa_id)):
        raise InvalidFormat(kind=KIND, value=wa_id, reason="a WhatsApp id is a number of 8 to 15 digits with its "
                                                           "country code, or a user id like IN.1502576394655843")
    return wa_id


def is_valid(wa_id: str) -> bool:
    try:
        validate(wa_id)
    except InvalidIdentifier:
        return False
    return True


def format(wa_id: str) -> str:  # noqa: A001 - the python-stdnum verb
    """A number as `+<digits>`, a user id as it is."""
    wa_id = compact(wa_id)
    return wa_id if is_user_id(wa_id) else f"+{wa_id}"
