"""The floor: the least a Python relay on brickgate's stack can do. Raw ASGI on uvicorn (uvloop + httptools),
one pooled aiohttp session, no parsing, no auth, no logging: each inbound path maps to its upstream path and
every upstream read is forwarded as it arrives. What brickgate costs beyond this is the price of its logic.

Run: ``python -m bench.floor_relay --upstream http://127.0.0.1:PORT --port 0`` prints ``listening URL``.
"""

from __future__ import annotations

import argparse
import socket
from typing import Any

import aiohttp
import uvicorn

PATHS = {
    "/v1/chat/completions": "/serving-endpoints/chat/completions",
    "/v1/responses": "/serving-endpoints/responses",
    "/v1/messages": "/serving-endpoints/anthropic/v1/messages",
}
_NOT_FOUND = b'{"error":"not found"}'


class FloorRelay:
    def __init__(self, upstream: str, token: str) -> None:
        self.upstream = upstream.rstrip("/")
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
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
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
    args = parser.parse_args()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(2048)
    print(f"listening http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(
        FloorRelay(args.upstream, args.token),
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
