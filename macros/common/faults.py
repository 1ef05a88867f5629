"""System faults as one Danish sentence each, with the fix: the one place an `OSError` becomes words.

Faults of the machine (a full disk, no permission, a missing or crashing program) are not data errors:
`infohus` prints the sentence and exits 2. Nothing else in the code catches `OSError` to explain it.
"""
from __future__ import annotations

import errno
import re
import signal
import subprocess
from collections.abc import Callable, Sequence


class SystemFault(Exception):
    """A fault of the machine, not of the data; the message is a Danish sentence that says what to do."""


class MissingTool(SystemFault):
    """A system program the build needs is not installed; the message says how to install it."""


# A path inside a build's staging folder (".site.infohus-x1y2/intranet/...") is shown as the folder the
# build was going to, which is what the coordinator named; the staging folder is an inner detail.
_STAGING = re.compile(r"/\.[^/]+\.infohus-[^/]+(/.*)?$")


def _where(exc: OSError) -> str:
    if not exc.filename:
        return "mappen"
    name = str(exc.filename)
    return f"mappen \"{_STAGING.sub('', name) or '/'}\"" if _STAGING.search(name) else f"\"{name}\""


_BY_ERRNO: dict[int, Callable[[str], str]] = {
    # A full disk is named by no file: the file an error names may be the one being copied, not the target.
    errno.ENOSPC: lambda w: "Der er ikke mere plads på drevet, så ikke alle filer kunne skrives. Frigør plads, "
                            "eller byg til en mappe på et andet drev med --out.",
    errno.EDQUOT: lambda w: "Din kvote på drevet er brugt op, så ikke alle filer kunne skrives. Frigør plads, "
                            "eller byg til en mappe på et andet drev med --out.",
    errno.EACCES: lambda w: f"Du har ikke lov til at skrive eller læse {w}. Vælg en mappe, du selv har adgang til, "
                            "fx --out site, eller bed en administrator om adgang.",
    errno.EPERM: lambda w: f"Systemet tillader ikke at ændre {w}. Vælg en mappe, du selv har adgang til, "
                           "fx --out site.",
    errno.EROFS: lambda w: f"{w} ligger på et skrivebeskyttet drev. Vælg en mappe på et drev, du kan skrive på, "
                           "fx --out site.",
    errno.ENOTDIR: lambda w: f"En del af stien {w} er en fil og ikke en mappe. Vælg en anden mappe med --out.",
    errno.ENOENT: lambda w: f"{w} findes ikke, eller der kan ikke oprettes filer der. Tjek stien, eller vælg en "
                            "anden mappe med --out.",
    errno.EISDIR: lambda w: f"{w} er en mappe, hvor der skulle være en fil. Tjek stien.",
    errno.ENAMETOOLONG: lambda w: f"Stien {w} er for lang. Vælg en kortere sti med --out.",
    errno.EMFILE: lambda w: "Computeren har for mange filer åbne. Luk andre programmer, og prøv igen.",
    errno.ENFILE: lambda w: "Computeren har for mange filer åbne. Luk andre programmer, og prøv igen.",
    errno.EIO: lambda w: f"Drevet kunne ikke læse eller skrive {w} (I/O-fejl). Tjek drevet, og prøv igen.",
}


def sentence(exc: BaseException) -> str:
    """The Danish sentence for a system fault: a `SystemFault`'s own message, or an `OSError` explained."""
    if isinstance(exc, SystemFault):
        return str(exc)
    if isinstance(exc, OSError):
        explain = _BY_ERRNO.get(exc.errno or -1)
        if explain:
            text = explain(_where(exc))
        else:
            detail = exc.strerror or str(exc) or type(exc).__name__
            text = (f"Systemet meldte en fejl ved {_where(exc)} ({detail}). Prøv igen, og kontakt IT, hvis det "
                    "sker igen.")
        return text[0].upper() + text[1:]
    raise TypeError(f"not a system fault: {exc!r}")


def run(args: Sequence[str], *, making: str, package: str, timeout: float,
        env: dict[str, str] | None = None, accept: Callable[[int, str], bool] | None = None) -> bytes:
    """Run a system program and return its output; a missing, failing, killed or hanging program is a
    `SystemFault` naming what it was making (`making`, e.g. "handlekortet \"akut\"")."""
    name = args[0].rsplit("/", 1)[-1]
    try:
        done = subprocess.run(list(args), capture_output=True, timeout=timeout, env=env)
    except FileNotFoundError:
        raise MissingTool(f"Programmet \"{name}\" er ikke installeret, så {making} kan ikke laves. Installér "
                          f"det, og byg igen: sudo apt-get install {package}") from None
    except subprocess.TimeoutExpired:
        raise SystemFault(f"Programmet \"{name}\" svarede ikke inden for {timeout:g} sekunder, mens {making} "
                          f"blev lavet, og blev stoppet. Prøv igen; sker det igen, så geninstallér "
                          f"{package}.") from None
    stderr = done.stderr.decode("utf-8", errors="replace")
    if done.returncode < 0:
        signame = signal.Signals(-done.returncode).name
        raise SystemFault(f"Programmet \"{name}\" blev stoppet udefra ({signame}), mens {making} blev lavet. "
                          "Prøv igen; sker det igen, så tjek, om computeren mangler hukommelse.")
    if not (accept(done.returncode, stderr) if accept else done.returncode == 0):
        last = next((line.strip() for line in reversed(stderr.splitlines()) if line.strip()), "ingen besked")
        raise SystemFault(f"Programmet \"{name}\" fejlede (kode {done.returncode}), mens {making} blev lavet: "
                          f"{last[:200]}. Prøv igen; sker det igen, så geninstallér {package}.")
    return done.stdout


def reading(exc: OSError) -> SystemFault:
    """The fault of a data file or folder that could not be read, said as such: no permission above all."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return SystemFault(f"Du har ikke lov til at læse {_where(exc)}. Giv din bruger læseadgang til kommunens "
                           "datamappe og dens filer (fx chmod -R u+rX MAPPE), eller bed en administrator om adgang.")
    return SystemFault(sentence(exc))


def binding(exc: OSError, host: str, port: int) -> SystemFault:
    """The fault of a preview address that cannot be used: taken by another program, not this computer's."""
    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    other = f"[{host}]:{port % 65535 + 1}" if ":" in host else f"{host}:{port % 65535 + 1}"
    if exc.errno == errno.EADDRINUSE:
        return SystemFault(f"Adressen {shown} bruges allerede af et andet program (måske en forhåndsvisning, der "
                           f"stadig kører). Stop det, eller vælg en anden port, fx --addr {other}.")
    if exc.errno == errno.EADDRNOTAVAIL:
        return SystemFault(f"Adressen {host} hører ikke til denne computer, så forhåndsvisningen kan ikke vises der. "
                           "Brug 127.0.0.1 (kun denne computer) eller 0.0.0.0 (alle netværk), fx --addr 127.0.0.1:8000.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return SystemFault(f"Du har ikke lov til at bruge port {port} (porte under 1024 kræver "
                           "administratorrettigheder). Vælg en port over 1024, fx --addr 127.0.0.1:8000.")
    return SystemFault(sentence(exc))
