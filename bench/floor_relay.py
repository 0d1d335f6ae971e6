"""The floor: the least a Python relay on brickgate's stack can do. Raw ASGI on uvicorn (uvloop + httptools),
one pooled aiohttp session, no parsing, no auth, no logging: each inbound path maps to its upstream path and
every upstream read is forwarded as it arrives. What brickgate costs beyond this is the price of its logic.

``--parse read`` and ``--parse write`` are the same relay doing the least a gateway must do with a body
(issue 17's bounds): ``read`` parses it with ``orjson`` and refuses what is not a JSON object (a relay that
checks its input before routing on it), then forwards the caller's bytes; ``write`` also writes the parsed
body out again and forwards that ("parse once, write once", the least a translation can do).

Run: ``python -m bench.floor_relay --upstream http://127.0.0.1:PORT --port 0`` prints ``listening URL``.
"""

from __future__ import annotations

import argparse
import socket
from typing import Any

import aiohttp
import orjson
import uvicorn

PATHS = {
    "/v1/chat/completions": "/serving-endpoints/chat/completions",
    "/v1/responses": "/serving-endpoints/responses",
    "/v1/messages": "/serving-endpoints/anthropic/v1/messages",
}
_NOT_FOUND = b'{"error":"not found"}'
_NOT_AN_OBJECT = b'{"error":"the body is not a JSON object"}'
PARSE = ("none", "read", "write")


class FloorRelay:
    def __init__(self, upstream: str, token: str, parse: str = "none") -> None:
        self.upstream = upstream.rstrip("/")
        self.parse = parse
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.session: aiohttp.ClientSession | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        path = PATHS.get(scope["path"])
        if path is None and scope["path"].startswith("/v1beta/models/"):  # Gemini: the model is in the path
            path = "/serving-endpoints/gemini" + scope["path"] + "?" + scope["query_string"].decode()
        if path is None or self.session is None:
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": _NOT_FOUND})
            return
        parts = []
        while True:
            message = await receive()
            parts.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(parts)
        if self.parse != "none":
            try:
                parsed = orjson.loads(body)
            except orjson.JSONDecodeError:
                parsed = None
            if not isinstance(parsed, dict):
                await send({"type": "http.response.start", "status": 400, "headers": []})
                await send({"type": "http.response.body", "body": _NOT_AN_OBJECT})
                return
            if self.parse == "write":
                body = orjson.dumps(parsed)
        async with self.session.post(self.upstream + path, data=body, headers=self.headers) as resp:
            kind = resp.headers.get("Content-Type", "application/json").encode()
            await send(
                {"type": "http.response.start", "status": resp.status, "headers": [(b"content-type", kind)]}
            )
            async for chunk in resp.content.iter_any():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                connector = aiohttp.TCPConnector(limit=512)
                self.session = aiohttp.ClientSession(connector=connector, auto_decompress=False)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.session is not None:
                    await self.session.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--token", default="dapi-bench")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--parse", choices=PARSE, default="none")
    args = parser.parse_args()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(2048)
    print(f"listening http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(
        FloorRelay(args.upstream, args.token, args.parse),
        loop="uvloop",
        http="httptools",
        ws="none",
        lifespan="on",
        access_log=False,
        log_level="warning",
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
