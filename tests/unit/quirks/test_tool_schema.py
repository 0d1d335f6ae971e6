from __future__ import annotations

from brickgate.quirks.tool_schema import (
    MAX_REF_DEPTH,
    clean_schema,
    ensure_object_parameters,
    remove_schema_keyword,
    sanitize_tool_schemas,
    strip_strict_from_tools,
)


def chat_tool(parameters: object, **function: object) -> dict:
    return {"type": "function", "function": {"name": "t", "parameters": parameters, **function}}


def test_dollar_schema_is_removed() -> None:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {}}
    assert clean_schema(schema) == {"type": "object", "properties": {}}


def test_ref_is_inlined_from_defs() -> None:
    schema = {
        "type": "object",
        "properties": {"opt": {"$ref": "#/$defs/Option"}},
        "$defs": {"Option": {"type": "string", "enum": ["a", "b"]}},
    }
    assert clean_schema(schema) == {
        "type": "object",
        "properties": {"opt": {"type": "string", "enum": ["a", "b"]}},
    }


def test_ref_is_inlined_from_definitions() -> None:
    schema = {
        "type": "object",
        "properties": {"n": {"$ref": "#/definitions/N"}},
        "definitions": {"N": {"type": "integer"}},
    }
    assert clean_schema(schema)["properties"]["n"] == {"type": "integer"}


def test_ref_siblings_keep_only_description_and_default() -> None:
    schema = {
        "type": "object",
        "properties": {"o": {"$ref": "#/$defs/O", "description": "an option", "default": "a", "title": "O"}},
        "$defs": {"O": {"type": "string"}},
    }
    assert clean_schema(schema)["properties"]["o"] == {
        "type": "string",
        "description": "an option",
        "default": "a",
    }


def test_recursive_ref_is_cut_off_at_depth_bound() -> None:
    schema = {
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/Node"}},
        "$defs": {"Node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/Node"}}}},
    }
    node = clean_schema(schema)["properties"]["root"]
    depth = 0
    while "properties" in node:
        node = node["properties"]["child"]
        depth += 1
    assert depth == MAX_REF_DEPTH
    assert node == {"type": "object"}


def test_unresolvable_ref_becomes_permissive_object() -> None:
    schema = {
        "type": "object",
        "properties": {"x": {"$ref": "https://example.com/x.json", "description": "d"}},
    }
    assert clean_schema(schema)["properties"]["x"] == {"type": "object", "description": "d"}


def test_refs_inside_any_of_and_items_are_inlined() -> None:
    schema = {
        "type": "object",
        "properties": {
            "xs": {"type": "array", "items": {"anyOf": [{"$ref": "#/$defs/S"}, {"type": "null"}]}}
        },
        "$defs": {"S": {"type": "string"}},
    }
    assert clean_schema(schema)["properties"]["xs"]["items"] == {
        "anyOf": [{"type": "string"}, {"type": "null"}]
    }


def test_nonstandard_ref_keyword_is_removed_but_property_named_ref_is_kept() -> None:
    schema = {"type": "object", "ref": "Thing", "properties": {"ref": {"type": "string", "ref": "x"}}}
    assert clean_schema(schema) == {"type": "object", "properties": {"ref": {"type": "string"}}}


def test_sanitize_cleans_every_tool_in_chat_shape() -> None:
    body = {
        "tools": [
            chat_tool({"$schema": "x", "type": "object"}),
            chat_tool({"$schema": "y", "type": "object"}),
        ]
    }
    fixed = sanitize_tool_schemas(body)
    assert [t["function"]["parameters"] for t in fixed["tools"]] == [{"type": "object"}, {"type": "object"}]


def test_sanitize_cleans_anthropic_input_schema() -> None:
    body = {"tools": [{"name": "t", "input_schema": {"$schema": "x", "type": "object"}}]}
    assert sanitize_tool_schemas(body)["tools"][0]["input_schema"] == {"type": "object"}


def test_sanitize_leaves_clean_tools_unchanged() -> None:
    body = {"tools": [chat_tool({"type": "object", "properties": {"a": {"type": "string"}}})]}
    assert sanitize_tool_schemas(body) is body


def test_sanitize_does_not_mutate_input() -> None:
    params = {"$schema": "x", "type": "object"}
    sanitize_tool_schemas({"tools": [chat_tool(params)]})
    assert "$schema" in params


def test_missing_type_on_parameters_becomes_object() -> None:
    body = {"tools": [chat_tool({"properties": {"a": {"type": "string"}}})]}
    assert ensure_object_parameters(body)["tools"][0]["function"]["parameters"]["type"] == "object"


def test_missing_parameters_become_empty_object_schema() -> None:
    body = {"tools": [{"type": "function", "function": {"name": "t"}}]}
    params = ensure_object_parameters(body)["tools"][0]["function"]["parameters"]
    assert params == {"type": "object", "properties": {}}


def test_object_parameters_already_explicit_are_unchanged() -> None:
    body = {"tools": [chat_tool({"type": "object", "properties": {}})]}
    assert ensure_object_parameters(body) is body


def test_responses_custom_tools_without_parameters_are_untouched() -> None:
    body = {"tools": [{"type": "custom", "name": "apply_patch", "format": {"type": "grammar"}}]}
    assert ensure_object_parameters(body) is body


def test_strict_removed_from_chat_function() -> None:
    body = {"tools": [chat_tool({"type": "object"}, strict=True)]}
    assert "strict" not in strip_strict_from_tools(body)["tools"][0]["function"]


def test_strict_removed_from_responses_tool() -> None:
    body = {"tools": [{"type": "function", "name": "t", "parameters": {}, "strict": False}]}
    assert "strict" not in strip_strict_from_tools(body)["tools"][0]


def test_tools_without_strict_are_unchanged() -> None:
    body = {"tools": [chat_tool({"type": "object"})]}
    assert strip_strict_from_tools(body) is body


def test_remove_schema_keyword_reaches_nested_schemas_only() -> None:
    schema = {"type": "object", "format": "x", "properties": {"format": {"type": "string", "format": "uri"}}}
    assert remove_schema_keyword(schema, "format") == {
        "type": "object",
        "properties": {"format": {"type": "string"}},
    }
