"""Typed domain errors. Each carries a message `key` (rendered for people by
`erp_core.messages`) and the `params` that fill the message in."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error erp_core raises on purpose."""

    key = "domain_error"

    def __init__(self, **params: Any) -> None:
        self.params = params
        details = ", ".join(f"{k}={v!r}" for k, v in params.items())
        super().__init__(f"{self.key}: {details}" if details else self.key)


class ValidationError(DomainError):
    """Input that cannot be booked: a negative quantity, too many decimals, a missing party."""

    key = "validation_error"


class IdempotencyConflict(ValidationError):
    """An idempotency key reused for a different request."""

    key = "idempotency_conflict"


class NotFound(DomainError):
    """A referenced record does not exist for this tenant (or this user may not see it)."""

    key = "not_found"


class UnknownProduct(DomainError):
    key = "unknown_product"


class AmbiguousProduct(DomainError):
    """Several products match; `params["candidates"]` lists them so the bot can ask which one."""

    key = "ambiguous_product"


class UnknownParty(DomainError):
    key = "unknown_party"


class AmbiguousParty(DomainError):
    key = "ambiguous_party"


class InsufficientStock(DomainError):
    key = "insufficient_stock"


class ExpiredStock(DomainError):
    """Only expired stock of a product (or the named batch, expired) is left to sell: not without an override."""

    key = "expired_stock"


class InvalidTransition(DomainError):
    key = "invalid_transition"


class CreditLimitExceeded(DomainError):
    key = "credit_limit_exceeded"


class PermissionDenied(DomainError):
    key = "permission_denied"


class InvalidPhone(ValidationError):
    """A phone number that is not a mobile number of India or Nepal; `example` is one in the shop's country."""

    key = "invalid_phone"


class InvalidIdentifier(ValidationError):
    """A GSTIN, PAN, HSN code, UPI id or Nepal PAN that is not valid; `kind` says which."""

    key = "invalid_identifier"


class InvalidFormat(InvalidIdentifier):
    """The identifier has the wrong length or characters in the wrong places."""

    key = "invalid_format"


class InvalidChecksum(InvalidIdentifier):
    """The identifier's check character does not match the rest (usually a typo)."""

    key = "invalid_checksum"


class InvalidComponent(InvalidIdentifier):
    """A part of the identifier has an impossible value, such as an unknown state code."""

    key = "invalid_component"


class InvalidSignature(DomainError):
    """A webhook whose signature does not match its body: not from the payment gateway, or altered."""

    key = "invalid_signature"


class GatewayError(DomainError):
    """The payment gateway refused or failed a request."""

    key = "gateway_error"


class NothingToUndo(DomainError):
    """The person has no entry left that can be undone."""

    key = "nothing_to_undo"
