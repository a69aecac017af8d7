"""Stripe's error envelope: ``{"error": {"type", "message", "code", "param"}}`` with a status.

The SDK picks its exception from the status and ``error.type`` (``_api_requestor.py``,
``specific_v1_api_error``): 400/404 -> ``InvalidRequestError`` (or ``IdempotencyError`` when
the type is ``idempotency_error``), 401 -> ``AuthenticationError``, 429 -> ``RateLimitError``,
5xx -> ``APIError``.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An answer the fake gives as a Stripe error instead of an object."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        type: str = "invalid_request_error",  # noqa: A002 - Stripe's field name
        code: str | None = None,
        param: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.type = type
        self.code = code
        self.param = param

    def body(self) -> dict[str, Any]:
        """The JSON body Stripe sends for this error."""
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param:
            error["param"] = self.param
        return {"error": error}


def missing(param: str) -> ApiError:
    return ApiError(f"Missing required param: {param}.", code="parameter_missing", param=param)


def unknown(param: str) -> ApiError:
    return ApiError(f"Received unknown parameter: {param}", code="parameter_unknown", param=param)


def invalid(param: str, message: str, code: str = "parameter_invalid_empty") -> ApiError:
    return ApiError(message, code=code, param=param)


def no_such(kind: str, object_id: str, param: str = "id") -> ApiError:
    return ApiError(
        f"No such {kind}: '{object_id}'", status=404, code="resource_missing", param=param
    )


def not_emulated(what: str, param: str | None = None) -> ApiError:
    """A valid Stripe request that this fake does not emulate: fail loudly, never pretend."""
    return ApiError(
        f"The fake Stripe server does not emulate {what}.", code="fake_not_emulated", param=param
    )
