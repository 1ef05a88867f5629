"""`--addr HOST:PORT` as `infohus serve` and `infohus edit` take it, read once for both."""
from __future__ import annotations

import ipaddress
import re


def parse(addr: str, form: str, example: str) -> tuple[str, int]:
    """`addr` as (host, port): HOST an IP address ([IPv6] in brackets) or localhost, PORT from 1 to 65535.

    ValueError with the Danish sentence that says how to write it: `form` says the whole form, `example` is
    an address to copy ("127.0.0.1:8000")."""
    host, colon, port = addr.rpartition(":")
    if not colon or not host:
        raise ValueError(f"--addr \"{addr}\" er ikke en adresse. {form}")
    bracketed = host.startswith("[") and host.endswith("]")
    bare = host[1:-1] if bracketed else host
    if bare != "localhost":
        try:
            ip = ipaddress.ip_address(bare)
        except ValueError:
            raise ValueError(f"\"{host}\" i --addr er ikke en IP-adresse. {form}") from None
        if (ip.version == 6) != bracketed:
            raise ValueError(f"--addr \"{addr}\": en IPv6-adresse skrives i [ ] og en IPv4-adresse uden, fx "
                             f"[::1]:{example.rpartition(':')[2]} eller {example}.")
    if not re.fullmatch(r"[0-9]{1,5}", port) or not 1 <= int(port) <= 65535:
        raise ValueError(f"porten \"{port}\" i --addr findes ikke. Vælg et tal fra 1 til 65535, fx {example}.")
    return bare, int(port)
