"""Small readers for loosely-typed JSON fields and the ids our encoders mint, shared by the wire modules."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from brickgate.errors import InvalidRequest
from brickgate.protocol import Tool

JSONObject = dict[str, Any]


def new_id(prefix: str) -> str:
    """A fresh id in the style of the API (``chatcmpl-``, ``resp_``, ``msg_``, ``toolu_`` ...)."""
    return prefix + os.urandom(12).hex()


def count(value: Any) -> int | None:
    """A token count, or None when the upstream sent null / nothing / garbage."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one (so optional nested fields read simply)."""
    return value if isinstance(value, dict) else {}


def text_of(value: Any) -> str:
    """A string field that may be missing or null."""
    return value if isinstance(value, str) else ""


def dumps(value: Any) -> str:
    """Compact JSON text."""
    return orjson.dumps(value).decode()


def arguments_object(arguments: str) -> JSONObject:
    """Tool-call arguments text as the JSON object Anthropic wants; empty or non-object text gives ``{}``."""
    if not arguments or arguments.isspace():  # (not .strip(): that copies the text)
        return {}
    try:
        value = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


_TYPE_NAMES: dict[type, str] = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "true or false",
    int: "an integer",
    float: "a number",
}


def json_type(value: Any) -> str:
    """The JSON type of a decoded value in words (``a string``, ``null`` ...), for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return _TYPE_NAMES.get(type(value), "a value")


def shown(value: Any) -> str:
    """A value from a request as an error message shows it: a string quoted, anything else by its type."""
    if isinstance(value, str):
        return dumps(value if len(value) <= 60 else value[:60] + "…")
    return "nothing" if value is None else json_type(value)


def type_names(types: tuple[type, ...]) -> str:
    """``(str, dict)`` as ``a string or an object`` (int and float together as ``a number``)."""
    if int in types and float in types:
        types = tuple(t for t in types if t is not int)
    return " or ".join(_TYPE_NAMES[t] for t in types)


def require_model(body: Mapping[str, Any]) -> str:
    """The body's ``model``, a non-empty string, or ``InvalidRequest``."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise InvalidRequest(f"`model` must be a non-empty string (got {shown(model)}).")
    return model


def require_array(value: Any, where: str, what: str) -> list[Any]:
    """``value`` as a JSON array, or ``InvalidRequest`` saying it is missing or what it is instead."""
    if isinstance(value, list):
        return value
    if value is None:
        raise InvalidRequest(f"{where} is missing: it must be an array of {what}.")
    raise InvalidRequest(f"{where} must be an array of {what}, not {json_type(value)}.")


def optional_array(value: Any, where: str, what: str) -> list[Any]:
    """``value`` as a JSON array, ``[]`` when absent or null, else ``InvalidRequest``."""
    return [] if value is None else require_array(value, where, what)


def require_object(value: Any, where: str) -> Mapping[str, Any]:
    """``value`` as a JSON object, or ``InvalidRequest`` saying what it is instead."""
    if not isinstance(value, dict):
        raise not_an_object(value, where)
    return value


def not_an_object(value: Any, where: str) -> InvalidRequest:
    """The error for ``value`` at ``where`` not being a JSON object. Loops over a history check
    ``isinstance(item, dict)`` themselves and raise this, so ``where`` is formatted only for a bad item."""
    return InvalidRequest(f"{where} must be an object, not {json_type(value)}.")


def decode_tools(raw: Any, decode: Callable[[Mapping[str, Any], int], Tool]) -> tuple[Tool, ...]:
    """A request's ``tools`` array, each object decoded by ``decode(tool, i)``; ``[]`` when absent."""
    tools: list[Tool] = []
    for i, tool in enumerate(optional_array(raw, "`tools`", "tools")):
        if not isinstance(tool, dict):
            raise not_an_object(tool, f"tools[{i}]")
        tools.append(decode(tool, i))
    return tuple(tools)


def list_of(value: Any) -> list[Any]:
    """``value`` if it is a JSON array, else an empty one (for optional arrays in upstream answers)."""
    return value if isinstance(value, list) else []


def native_tool(api: str, raw: Mapping[str, Any]) -> Tool:
    """A tool with no canonical shape (a server tool, a grammar tool ...), kept whole for its own API."""
    name = raw.get("name")
    description = raw.get("description")
    return Tool(
        name=name if isinstance(name, str) and name else str(raw.get("type") or "tool"),
        description=description if isinstance(description, str) else None,
        provider_data={"native_api": api, "native_tool": dict(raw)},
    )


def native_shape(tool: Tool, api: str) -> tuple[bool, Mapping[str, Any] | None]:
    """(is it a native tool?, its raw dict if it belongs to ``api``). Foreign native tools are dropped."""
    pd = tool.provider_data
    if not pd or "native_tool" not in pd:
        return False, None
    return True, (pd["native_tool"] if pd.get("native_api") == api else None)


def merge_extra(body: JSONObject, extra: Mapping[str, Any]) -> JSONObject:
    """Fill ``body`` with the wire fields the canonical model had no slot for.

    Canonical values win; where both sides hold an object (Responses ``reasoning``/``text``), the
    objects merge, so ``{"summary": "auto"}`` kept in ``extra`` joins the encoded ``{"effort": ...}``.
    """
    for key, value in extra.items():
        current = body.get(key)
        if current is None:
            body[key] = value
        elif isinstance(current, dict) and isinstance(value, dict):
            body[key] = {**value, **current}
    return body


def json_object(data: str | bytes) -> dict[str, Any] | None:
    """``data`` parsed as a JSON object, or None when it is not one (not JSON, or another JSON value)."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return doc if isinstance(doc, dict) else None


def payload_problem(data: str, what: str = "an event") -> str:
    """Why an SSE ``data:`` payload is not a JSON object, in words, for a decoder's StreamError."""
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError:
        return f"the upstream sent {what} that is not JSON: {data[:200]!r}"
    return f"the upstream sent {what} that is not an object: {data[:200]!r}"
