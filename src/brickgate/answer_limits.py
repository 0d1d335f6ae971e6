"""What brickgate accepts in a workspace's answers, in both HTTP clients (auth/rest.py's urllib for
listing and login, upstream.py's aiohttp for inference): no redirects, and bounded sizes.

A followed redirect would carry the token (urllib sends ``Authorization`` on), or the prompt and every
credential header but ``Authorization`` (aiohttp), to whatever host the answer names. The size limits
keep a broken or hostile server from growing the process without bound (a 400 MB body, a gzip bomb,
an event that never ends), while leaving room for the largest genuine answers: a 1 MB answer is ~1 MB
of JSON, and a Responses stream's final event repeats the whole answer once.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from brickgate.errors import StreamInterrupted, UpstreamError, UpstreamUnavailable

MAX_JSON_BYTES = 64 * 1024 * 1024  # one JSON answer or listing, counted after decompression
MAX_EVENT_BYTES = 16 * 1024 * 1024  # one server-sent event still waiting for its blank line
MAX_ERROR_BYTES = 1024 * 1024  # an error answer: only its message is shown


def redirect_refused(url: str, status: int, location: str | None) -> UpstreamUnavailable:
    """The error for a 3xx from ``url`` (the request's URL) pointing at ``location``."""
    target = urljoin(url, location or "")
    where = urlsplit(target)
    origin = f"{where.scheme}://{where.netloc}" if where.netloc else "an unnamed location"
    source = urlsplit(url)
    return UpstreamUnavailable(
        f"{source.scheme}://{source.netloc} answered with a redirect (HTTP {status}) to {origin}; brickgate "
        "does not follow redirects from the workspace, so credentials and prompts go nowhere else.",
        "Check the workspace URL: use the address your browser shows for the workspace "
        f"(if {origin} is your workspace, use that as the host).",
        status=502,
        error_code="upstream_redirect",
    )


def too_large(url: str, what: str, limit: int, *, streaming: bool = False) -> UpstreamError:
    """The error for an answer past one of the limits above; ``what`` names the thing that grew. A stream
    already passed on in part is reported as interrupted."""
    source = urlsplit(url)
    kind = StreamInterrupted if streaming else UpstreamUnavailable
    return kind(
        f"{source.scheme}://{source.netloc} sent {what} larger than brickgate accepts "
        f"({limit // (1024 * 1024)} MiB); it stopped reading.",
        "A genuine answer this large is unexpected: check the workspace URL, or ask for a shorter answer.",
        status=502,
        error_code="upstream_too_large",
    )
