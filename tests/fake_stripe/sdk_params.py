"""What Stripe accepts, read from the pinned SDK's generated request types (``stripe.params``).

Each endpoint's parameters are a ``TypedDict`` generated from Stripe's OpenAPI spec for the
SDK's API version (``stripe.api_version``): ``NotRequired``/``Required`` say which may be left
out, ``Literal[...]`` lists an enum's values (the SDK adds ``|str`` only so that it keeps
working when Stripe adds one: the API itself refuses a value it does not know),
nested ``TypedDict``s are objects, ``List[...]`` arrays and ``Dict[str, str]`` metadata.
:func:`check` walks a decoded form body against them, so a parameter the pinned version does
not know fails here as it fails at Stripe (``parameter_unknown``), whatever this fake's
author believes the API to be. The request options the SDK's types share (``api_key``,
``idempotency_key``, …) are headers, never parameters.
"""

from __future__ import annotations

import decimal
import functools
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any

import stripe
import typing_extensions
from stripe._request_options import RequestOptions
from stripe._stripe_context import StripeContext
from stripe._stripe_object import UntypedStripeObject

from .errors import ApiError, invalid, missing, unknown

#: The API version the types describe: the only one this fake speaks.
API_VERSION: str = stripe.api_version

_REQUIRED = {typing.Required, typing_extensions.Required}
_NOT_REQUIRED = {typing.NotRequired, typing_extensions.NotRequired}
_LITERAL = {typing.Literal, typing_extensions.Literal}
#: The names ``RequestOptions`` declares: options of the SDK, sent as headers.
_OPTIONS = frozenset(RequestOptions.__annotations__)


@functools.cache
def fields(params: type) -> dict[str, tuple[Any, bool]]:
    """``{name: (type, required)}`` of a generated params ``TypedDict``, options left out."""
    module = vars(sys.modules[params.__module__])
    # The generated modules import only what their own annotations name; the inherited
    # ``RequestOptions`` annotations need these two as well.
    namespace = {**module, "Mapping": Mapping, "StripeContext": StripeContext}
    hints = typing.get_type_hints(params, globalns=namespace, include_extras=True)
    total = getattr(params, "__total__", True)
    out = {}
    for name, hint in hints.items():
        if name in _OPTIONS:
            continue
        required = total
        origin = typing.get_origin(hint)
        if origin in _REQUIRED | _NOT_REQUIRED:
            required = origin in _REQUIRED
            hint = typing.get_args(hint)[0]
        out[name] = (hint, required)
    return out


def _is_typeddict(hint: Any) -> bool:
    return isinstance(hint, type) and typing_extensions.is_typeddict(hint)


def _enum(hint: Any) -> tuple[str, ...] | None:
    """The values of ``Literal[...]`` or ``Literal[...]|str``; None for other types."""
    if typing.get_origin(hint) in _LITERAL:
        return tuple(typing.get_args(hint))
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        arms = typing.get_args(hint)
        literals = [a for a in arms if typing.get_origin(a) in _LITERAL]
        if literals and all(a is str or a in literals for a in arms):
            return tuple(v for a in literals for v in typing.get_args(a))
    return None


def _arms(hint: Any) -> tuple[Any, ...]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return typing.get_args(hint)
    return (hint,)


def check(params: Any, spec: type, prefix: str = "") -> None:
    """Raise Stripe's error for the first parameter of ``params`` that ``spec`` refuses.

    ``params`` is the decoded form body: nested dicts and lists, every value a string.
    """
    known = fields(spec)
    for name in params:
        if name not in known:
            raise unknown(_path(prefix, name))
    for name, (hint, required) in known.items():
        if name not in params:
            if required:
                raise missing(_path(prefix, name))
            continue
        _value(params[name], hint, _path(prefix, name))


def _path(prefix: str, name: str) -> str:
    return f"{prefix}[{name}]" if prefix else name


def _value(value: Any, hint: Any, param: str) -> None:
    """Check one value against its annotation (a union: against the arm of its shape)."""
    arms = _arms(hint)
    if value == "" and any(typing.get_args(a) == ("",) for a in arms):
        return  # ``Literal['']``: the empty string unsets an emptyable parameter
    if (values := _enum(hint)) is not None:
        _enum_value(value, values, param)
        return
    if isinstance(value, dict):
        objects = [a for a in arms if _is_typeddict(a) or _is_map(a)]
        if not objects:
            raise _not_a(arms, value, param)
        target = objects[0]
        if _is_map(target):
            for key, item in value.items():
                _scalar(item, str, f"{param}[{key}]")
        else:
            check(value, target, param)
        return
    if isinstance(value, list):
        lists = [a for a in arms if typing.get_origin(a) in (list, typing.List)]  # noqa: UP006
        if not lists:
            raise _not_a(arms, value, param)
        [item_hint] = typing.get_args(lists[0])
        for i, item in enumerate(value):
            _value(item, item_hint, f"{param}[{i}]")
        return
    scalars = [a for a in arms if not (_is_typeddict(a) or _is_map(a) or _is_list(a))]
    if not scalars:
        raise _not_a(arms, value, param)
    if value == "" and not any(a is str for a in scalars):
        raise invalid(
            param,
            f"You passed an empty string for '{param}'. We assume empty values are an attempt "
            f"to unset a parameter; however '{param}' cannot be unset. You should remove "
            f"'{param}' from your request or supply a non-empty value.",
        )
    errors = []
    for arm in scalars:
        try:
            _scalar(value, arm, param)
            return
        except ApiError as error:
            errors.append(error)
    raise errors[0]


def _is_map(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    return origin in (dict, typing.Dict) or origin is UntypedStripeObject  # noqa: UP006


def _is_list(hint: Any) -> bool:
    return typing.get_origin(hint) in (list, typing.List)  # noqa: UP006


def _not_a(arms: tuple, value: Any, param: str) -> ApiError:
    if any(_is_typeddict(a) or _is_map(a) for a in arms):
        return ApiError("Invalid object", code="parameter_invalid_object", param=param)
    if any(_is_list(a) for a in arms):
        return ApiError("Invalid array", code="parameter_invalid_array", param=param)
    return ApiError(f"Invalid value: {value!r}", code="parameter_invalid_string", param=param)


def _enum_value(value: Any, values: tuple[str, ...], param: str) -> None:
    if not isinstance(value, str):
        raise _not_a((str,), value, param)
    if value not in values:
        raise invalid(
            param,
            f"Invalid {param}: must be one of {', '.join(values)}",
            "parameter_invalid_string",
        )


def _scalar(value: Any, hint: Any, param: str) -> None:
    """A form value (a string) that must parse as ``hint``: str, int, bool, Decimal, Any."""
    if not isinstance(value, str):
        raise _not_a((hint,), value, param)
    if hint is str or hint is Any or hint is object:
        return
    if hint is bool:
        if value not in ("true", "false"):
            raise ApiError(
                f"Invalid boolean: {value}", code="parameter_invalid_boolean", param=param
            )
        return
    if hint is int:
        if not (value.lstrip("-").isascii() and value.lstrip("-").isdigit()):
            raise ApiError(
                f"Invalid integer: {value}", code="parameter_invalid_integer", param=param
            )
        return
    if hint in (float, decimal.Decimal):
        try:
            decimal.Decimal(value)
        except decimal.InvalidOperation:
            raise ApiError(
                f"Invalid decimal: {value}", code="parameter_invalid_decimal", param=param
            ) from None
        return
    if typing.get_origin(hint) in _LITERAL:
        _enum_value(value, typing.get_args(hint), param)
        return
    raise ApiError(f"The fake cannot check {hint!r}", status=500, type="api_error", param=param)
