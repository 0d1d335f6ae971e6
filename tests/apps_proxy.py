"""The Databricks Apps front proxy, as the platform behaves toward an app (research databricks-2026.md §5),
for tests: it authenticates callers by their Bearer token (token auth on ``/api/...`` only), drops whatever
``X-Forwarded-*`` and ``Authorization`` the caller sent, and forwards the request with the user's token in
``X-Forwarded-Access-Token`` and who they are in ``X-Forwarded-Email``/``-User``/``-Preferred-Username``.

    with AppsProxy(app_url, {"dapi-alice": "alice@example.com"}) as proxy:   # proxy.url
        ...
"""

from __future__ import annotations

import asyncio
import uuid

from aiohttp import web

from tests.usage_tap import UsageTap

_DROPPED = {"host", "content-length", "transfer-encoding", "connection", "authorization"}


class AppsProxy(UsageTap):
    """The tap's server (a loop on its own thread, aiohttp both ways) with the platform's forwarding."""

    def __init__(self, app_url: str, users: dict[str, str]) -> None:
        super().__init__(app_url)
        self.users = users  # token -> e-mail

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._session.close(), self._loop).result(5)
        super().__exit__(*exc)

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
        url = self.upstream_url + request.rel_url.raw_path_qs
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
