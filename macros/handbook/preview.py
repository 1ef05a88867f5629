"""The `infohus` plugin's `on_serve` (theme.py) for the preview server (`infohus serve`, `mkdocs serve`): who it answers.

The preview serves the internal handbook and the internal PDF on this computer. A web page on another site
could point a host name of its own at 127.0.0.1 (DNS rebinding) and read them through the visitor's
browser; such a request carries that host name in its `Host` header, so the server answers only requests
for the address it was started on (421 otherwise, 400 without a `Host`). A path no file can have (a NUL or
another control character) is answered 400 before MkDocs tries to open it, and no request ever prints a
traceback: MkDocs' own handler logs one for an error, socketserver prints one for a broken connection.

`on_serve` is MkDocs' documented place to change the server before it starts; the live-reload server is a
wsgiref server, so its WSGI application is wrapped (`set_app`) rather than patched.
"""
from __future__ import annotations

import ipaddress
import logging
import sys
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

log = logging.getLogger("mkdocs.infohus.preview")

_CONTROL = {chr(c) for c in range(0x20)} | {"\x7f"}


def on_serve(server, config, builder):
    """Answer only the preview's own address; never print a traceback for a request."""
    host, port = config.dev_addr.host, config.dev_addr.port
    server.set_app(guarded(server.get_app(), host, port))
    server.handle_error = lambda request, address: log.warning(
        "Forhåndsvisningen kunne ikke svare på en forespørgsel fra %s (%s).", address[0], sys.exc_info()[1])
    return server


def allowed_host(header: str, host: str, port: int) -> bool:
    """Whether a request's `Host` header names the address the preview was started on (`host`:`port`).

    A host name is accepted only as "localhost" when the preview listens on this computer (or everywhere);
    any other name could be a rebinding attacker's. An IP address must be the preview's own, or any when it
    listens on every address (0.0.0.0 or ::). The port must be the preview's.
    """
    if not header or any(c in header for c in "@/\\?#% \t"):
        return False
    try:
        parts = urlsplit("//" + header)
        name, given = parts.hostname, parts.port
    except ValueError:  # a port that is no number, or a broken [IPv6] address
        return False
    if not name or (given if given is not None else 80) != port:
        return False
    listening = _address(host)
    if name == "localhost":
        return host == "localhost" or (listening is not None and (listening.is_loopback or listening.is_unspecified))
    asked = _address(name)
    if asked is None:  # a host name: only a rebinding page would send one here
        return False
    if listening is None:  # started as "localhost"
        return asked.is_loopback
    return listening.is_unspecified or asked == listening or (listening.is_loopback and asked.is_loopback)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def guarded(app: Callable, host: str, port: int) -> Callable:
    """The WSGI application `app`, answering only requests for `host`:`port` and only paths a file can have."""
    shown = f"[{host}]" if ":" in host else host

    def answer(start_response, status: str, text: str) -> Iterable[bytes]:
        body = text.encode("utf-8")
        start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
        return [body]

    def application(environ, start_response) -> Iterable[bytes]:
        header = environ.get("HTTP_HOST")
        if not header:
            return answer(start_response, "400 Bad Request", "Forespørgslen mangler en Host-linje.\n")
        if not allowed_host(header, host, port):
            return answer(start_response, "421 Misdirected Request",
                          f"Forhåndsvisningen svarer kun på http://{shown}:{port}/. Skriv den adresse i "
                          "adresselinjen.\n")
        path = environ.get("PATH_INFO", "")
        if _CONTROL & set(path) or _CONTROL & set(environ.get("QUERY_STRING", "")):
            return answer(start_response, "400 Bad Request", "Adressen indeholder tegn, som ingen side har.\n")
        try:
            return app(environ, start_response)
        except Exception as exc:  # MkDocs answers its own errors; this is the last net, with no traceback
            log.warning("Forhåndsvisningen kunne ikke svare på %s (%s: %s).", path, type(exc).__name__, exc)
            start_response("500 Internal Server Error", [("Content-Type", "text/plain; charset=utf-8")],
                           sys.exc_info())
            return ["Forhåndsvisningen kunne ikke vise siden.\n".encode("utf-8")]

    return application
