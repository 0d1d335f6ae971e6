"""Wire formats: one package per API, each holding both directions, plus the one SSE codec.

Every package implements ``contract.Wire`` and is listed once in ``registry.WIRES`` (keyed by ``Api``);
nothing outside ``wire/`` imports a package by name. Upstream side (brickgate → Databricks):
``encode_request``, ``decode_response``, ``stream_decoder()``, ``usage_of``. Inbound side (agent → gateway):
``decode_request`` (``InvalidRequest`` for a body it cannot read), ``encode_response``, ``stream_encoder()``.
``FIELDS`` is the API's field table, read by the gateway's shape check, the decoder, the field filter for
translated requests and the strict-field repair. All pure: dicts and protocol objects in, dicts, protocol
events and bytes out. Family defects are not handled here (see ``brickgate.quirks``); a wire package knows
one API and nothing about model families.

Conventions shared by the three APIs (flat ``provider_data`` keys):
- ``thoughtSignature``: Gemini's opaque signature on a text part or tool call (chat array content).
- ``id``: a Responses item id, restored when a conversation is encoded for Responses again.
- ``cache_control``: an Anthropic cache breakpoint on a text, image, tool_use or tool_result block.
- ``role``: ``"developer"`` on a system message that arrived as a developer message.
- ``instructions``: ``True`` on a system message that arrived as Responses ``instructions``.
- Tools with no canonical shape (Responses ``custom``/``web_search``/``namespace``..., Anthropic server
  tools) become ``Tool(provider_data={"native_api": api, "native_tool": raw_dict})``; the same API's
  encoder emits the raw dict again, other APIs' encoders leave it out.
- Tool results: one ``ToolResultPart`` per ``role="tool"`` message, whatever the API grouped together.
- Unsigned reasoning text is never sent back upstream: nothing can verify it. Reasoning with a
  ``signature`` or ``redacted`` payload (or a Responses item id) is replayed where the API has a slot.

Reasoning, stop reasons and the service tier, the same way in every API (a new wire package follows them):
- Decoders turn every reasoning form into ``ReasoningDelta``: readable text as ``text`` (Chat
  ``reasoning_content``/``reasoning`` and ``{"type":"reasoning","summary":[...]}`` parts, Messages
  ``thinking``, Responses summaries, Gemini ``thought: true`` parts), its signature as ``signature`` (an empty
  adaptive summary still carries one), opaque payloads as ``redacted``. Reasoning comes before the text of the
  same message, also when one JSON body holds both.
- Encoders show it in the caller's own form: Chat ``reasoning_content``; Messages ``thinking`` blocks (with
  ``signature_delta``) or ``redacted_thinking``; Responses reasoning items with ``summary_text`` parts
  (the signature travels in ``encrypted_content``, reasoning.py); Gemini ``thought: true`` parts.
- ``FinishReason`` ``"length"`` is Chat ``length``, Messages ``max_tokens``, Responses
  ``status: "incomplete"`` with ``incomplete_details.reason: "max_output_tokens"`` (streamed as
  ``response.incomplete``), Gemini ``MAX_TOKENS``; decoders map each back. A stream that reaches its
  API's end marker without a reason finishes ``"tool-calls"`` when it made calls, else ``"stop"``; one
  cut before the marker is an error.
- ``Request.service_tier`` is the API's ``service_tier`` field, passed as given (2026 §4.1); decoders put
  the tier an answer reports in ``Usage.service_tier`` (pricing charges ``"priority"`` at its own price)
  and encoders echo it where the API has a slot.
"""
