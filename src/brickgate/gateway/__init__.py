"""The local gateway: OpenAI Chat, OpenAI Responses and Anthropic Messages in front of one workspace."""

from brickgate.gateway.app import DEFAULT_MAX_BODY_BYTES, GatewayApp, create_app

__all__ = ["DEFAULT_MAX_BODY_BYTES", "GatewayApp", "create_app"]
