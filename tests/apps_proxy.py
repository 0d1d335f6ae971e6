"""The Databricks Apps front proxy, as the platform behaves toward an app (research databricks-2026.md §5),
for tests: it authenticates callers by their Bearer token (token auth on ``/api/...`` only), drops whatever
``X-Forwarded-*`` and ``Authorization`` the caller sent, and forwards the request with the user's token in
``X-Forwarded-Access-Token`` and who they are in ``X-Forwarded-Email``/``-User``/``-Preferred-Username``.

    with AppsProxy(app_url, {"dapi-alice": "alice@example.com"}) as proxy:   # proxy.url
        ...
"""

from __future__ import annotations

import asyncio
import threading
import uuid

import aiohttp
from aiohttp import web

_DROPPED = {"host", "content-length", "transfer-encoding", "connection", "authorization"}


class AppsProxy:
    def __init__(self, app_url: str, users: dict[str, str]) -> None:
        self.app_url = app_url.rstrip("/")
        self.users = users  # token -> e-mail
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="apps-proxy", daemon=True)
        self.url = ""

    def __enter__(self) -> AppsProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the apps proxy did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._session.close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        self._session = aiohttp.ClientSession(auto_decompress=False)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{runner.addresses[0][1]}"

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        email = self.users.get(token)
        if not request.path.startswith("/api/") or email is None:
            return web.Response(status=401, text="Unauthorized")  # the platform's own refusal
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in _DROPPED and not k.lower().startswith("x-forwarded-")
        }
        headers.update(
            {
                "X-Forwarded-Access-Token": token,
                "X-Forwarded-Email": email,
                "X-Forwarded-User": email,
                "X-Forwarded-Preferred-Username": email.split("@")[0],
                "X-Request-Id": str(uuid.uuid4()),
            }
        )
        body = await request.read()
        url = self.app_url + request.rel_url.raw_path_qs
        async with self._session.request(request.method, url, data=body, headers=headers) as upstream:
            answer = web.StreamResponse(status=upstream.status)
            for key, value in upstream.headers.items():
                if key.lower() not in _DROPPED:
                    answer.headers[key] = value
            await answer.prepare(request)
            async for chunk in upstream.content.iter_any():
                await answer.write(chunk)
            await answer.write_eof()
        return answer
