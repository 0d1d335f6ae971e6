"""Gemini's tools, tool choice and ``generationConfig`` (thinking, structured output, sampling) ↔ the
canonical Request's fields, both directions (requests.py does the turns)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brickgate.errors import InvalidRequest
from brickgate.protocol import Request, Tool
from brickgate.wire.fields import (
    JSONObject,
    list_of,
    mapping,
    native_shape,
    optional_array,
    require_object,
    shown,
    text_of,
)
from brickgate.wire.gemini.parts import pick

API = "gemini"
_DECLARATIONS = ("functionDeclarations", "function_declarations")
_RESPONSE_KEYS = ("responseMimeType", "responseJsonSchema", "_responseJsonSchema", "responseSchema")
# thinking budgets as efforts: every API understands an effort, while budgets have per-family limits
# (Claude wants >= 1,024 and below max_tokens; chat models other than Claude refuse `thinking`)
_BUDGET_EFFORTS = ((0, "none"), (1024, "low"), (8192, "medium"))
_LEVELS = {"minimal": "MINIMAL", "low": "LOW", "medium": "MEDIUM", "high": "HIGH"}
_MODES = {"AUTO": "auto", "VALIDATED": "auto", "NONE": "none", "ANY": "required"}


def decode_tools(raw_tools: list[Any]) -> tuple[Tool, ...]:
    """Function declarations as tools; Gemini's own tools (googleSearch, codeExecution ...) kept whole for
    the Gemini API (wire/__init__.py: native tools)."""
    tools: list[Tool] = []
    for i, raw in enumerate(raw_tools):
        raw = require_object(raw, f"tools[{i}]")
        declarations = pick(raw, "functionDeclarations")
        where = f"tools[{i}].functionDeclarations"
        for j, decl in enumerate(optional_array(declarations, where, "function declarations")):
            tools.append(decode_declaration(require_object(decl, f"{where}[{j}]"), f"{where}[{j}]"))
        for kind, value in raw.items():
            if kind not in _DECLARATIONS:
                tools.append(Tool(name=kind, provider_data={"native_api": API, "native_tool": {kind: value}}))
    return tuple(tools)


def decode_declaration(decl: Mapping[str, Any], where: str) -> Tool:
    name = decl.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidRequest(f"{where}.name must be a non-empty string (got {shown(name)}).")
    schema = pick(decl, "parametersJsonSchema")
    if not isinstance(schema, Mapping):
        openapi = decl.get("parameters")
        schema = (
            json_schema(openapi) if isinstance(openapi, Mapping) else {"type": "object", "properties": {}}
        )
    description = decl.get("description")
    return Tool(
        name=name, description=description if isinstance(description, str) else None, parameters=schema
    )


def json_schema(openapi: Any) -> Any:
    """Gemini's OpenAPI-style ``parameters`` as JSON Schema: its enum type names (``OBJECT``, ``STRING``,
    as Google's SDKs write them) in JSON Schema's lower case; every other keyword is kept."""
    if isinstance(openapi, list):
        return [json_schema(item) for item in openapi]
    if not isinstance(openapi, Mapping):
        return openapi
    return {
        key: value.lower() if key == "type" and isinstance(value, str) else json_schema(value)
        for key, value in openapi.items()
    }


def decode_tool_choice(config: Mapping[str, Any]) -> str | None:
    """``functionCallingConfig``: ANY with one allowed name forces that tool."""
    choice = _MODES.get(text_of(config.get("mode")).upper())
    allowed = list_of(pick(config, "allowedFunctionNames"))
    if choice == "required" and len(allowed) == 1 and isinstance(allowed[0], str):
        return allowed[0]
    return choice


def decode_thinking(thinking: Mapping[str, Any]) -> str | None:
    """``thinkingLevel`` as the effort; a ``thinkingBudget`` as the effort of its size (0: none; -1:
    the model decides, so nothing); ``includeThoughts`` alone asks for nothing another API can give."""
    level = text_of(pick(thinking, "thinkingLevel")).lower()
    if level in _LEVELS:
        return level
    budget = pick(thinking, "thinkingBudget")
    if not isinstance(budget, int) or isinstance(budget, bool) or budget < 0:
        return None
    return next((effort for limit, effort in _BUDGET_EFFORTS if budget <= limit), "high")


def decode_response_format(config: Mapping[str, Any]) -> tuple[Mapping[str, Any] | None, tuple[str, ...]]:
    """(the chat-shaped response_format, the generationConfig keys it used) for a JSON mime type."""
    if text_of(pick(config, "responseMimeType")) != "application/json":
        return None, ()
    schema = pick(config, "responseJsonSchema") or config.get("_responseJsonSchema")
    if not isinstance(schema, Mapping) and isinstance(pick(config, "responseSchema"), Mapping):
        schema = json_schema(pick(config, "responseSchema"))
    if not isinstance(schema, Mapping):
        return {"type": "json_object"}, _RESPONSE_KEYS
    return {"type": "json_schema", "json_schema": {"name": "response", "schema": schema}}, _RESPONSE_KEYS


def encode_tools(tools: tuple[Tool, ...]) -> list[JSONObject]:
    """One tool holding every function declaration (schemas as ``parametersJsonSchema``, full JSON Schema,
    which Gemini CLI itself sends), then Gemini's own tools."""
    declarations: list[JSONObject] = []
    native: list[JSONObject] = []
    for tool in tools:
        is_native, raw = native_shape(tool, API)
        if is_native:
            if raw is not None:
                native.append(dict(raw))
            continue
        declaration: JSONObject = {"name": tool.name}
        if tool.description is not None:
            declaration["description"] = tool.description
        declaration["parametersJsonSchema"] = dict(tool.parameters)
        declarations.append(declaration)
    return ([{"functionDeclarations": declarations}] if declarations else []) + native


def encode_tool_choice(choice: str) -> JSONObject:
    modes = {"auto": "AUTO", "none": "NONE", "required": "ANY"}
    if choice in modes:
        return {"mode": modes[choice]}
    return {"mode": "ANY", "allowedFunctionNames": [choice]}


def encode_generation_config(req: Request) -> JSONObject:
    config: JSONObject = {}
    if req.max_tokens is not None:
        config["maxOutputTokens"] = req.max_tokens
    if req.temperature is not None:
        config["temperature"] = req.temperature
    if req.top_p is not None:
        config["topP"] = req.top_p
    if req.stop:
        config["stopSequences"] = list(req.stop)
    thinking: JSONObject = {}
    if req.reasoning_effort is not None and req.reasoning_effort != "none":
        thinking["thinkingLevel"] = _LEVELS.get(req.reasoning_effort, "HIGH")  # xhigh, max: Gemini's highest
    if req.reasoning_budget is not None:
        thinking["thinkingBudget"] = req.reasoning_budget
    if thinking:  # reasoning comes back as thought parts, as it does on chat when an effort is set
        config["thinkingConfig"] = {**thinking, "includeThoughts": True}
    response_format = mapping(req.response_format)
    if response_format.get("type") in ("json_object", "json_schema"):
        config["responseMimeType"] = "application/json"
        schema = mapping(response_format.get("json_schema")).get("schema")
        if isinstance(schema, Mapping):
            config["responseJsonSchema"] = dict(schema)
    return config
