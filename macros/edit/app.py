"""The web app of `infohus edit`: server-rendered pages on this computer only, with the standard library's
threading HTTP server and the project's one Jinja environment. Works without JavaScript.

Every request must name the bound address in its Host header (else 421: a page of another site that points
a name at 127.0.0.1 gets nothing), every POST must carry this process's CSRF token (else 403), and every
page forbids scripts, frames and requests to other hosts in its Content-Security-Policy.
"""
from __future__ import annotations

import difflib
import hmac
import ipaddress
import re
import secrets
import socket
import sys
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .. import changes
from ..common import faults
from ..common.address import parse
from ..common.dates import date_text
from ..common.paths import OVERRIDES
from ..common.render import render
from ..gates import checked
from ..model.dataset import today
from ..model.due import SOON_DAYS, due_items, soon
from ..model.problems import Problem, errors
from . import form, store

MAX_BODY = 1024 * 1024
CSS = OVERRIDES / "edit" / "edit.css"
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
STALE = ("Kontaktfilen er ændret, siden du åbnede siden (måske i en editor eller i et andet vindue), så intet er "
         "gemt. Siden viser nu filen, som den er: skriv din rettelse igen, og tryk Gem.")


EDIT_FORM = "Skriv den som VÆRT:PORT, fx 127.0.0.1:8001 (kun denne computer)."


def address(addr: str) -> tuple[str, int]:
    """"127.0.0.1:8001" -> ("127.0.0.1", 8001); ValueError with a Danish sentence for anything else, and for an
    address other computers could reach (the form writes files: it is for this computer only)."""
    host, port = parse(addr, EDIT_FORM, "127.0.0.1:8001")
    if host == "localhost" or not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"infohus edit kan kun vises på denne computer, ikke på {host}, da formularen retter "
                         "filer. Brug 127.0.0.1, fx --addr 127.0.0.1:8001.")
    return host, port


@dataclass
class Page:
    status: int
    body: bytes
    kind: str = "text/html; charset=utf-8"
    location: str = ""


class App:
    """The pages of one data folder, bound to one address."""

    def __init__(self, data_dir: Path, bound: str):
        self.data_dir = data_dir
        self.bound = bound                       # "127.0.0.1:8001", as the Host header must say it
        self.token = secrets.token_urlsafe(32)   # this process's CSRF token

    # --- requests -----------------------------------------------------------------------------------------
    def get(self, path: str, query: dict[str, list[str]]) -> Page:
        if path == "/":
            return self.start(query)
        if path == "/edit.css":
            return Page(200, CSS.read_bytes(), "text/css; charset=utf-8")
        contact_id, action = _contact_path(path)
        if contact_id and action == "":
            return self.contact(contact_id, saved=_first(query, "gemt"))
        if contact_id and action == "stopper":
            return self.turnover_form(contact_id)
        return self.not_found()

    def post(self, path: str, posted: dict[str, list[str]]) -> Page:
        if path == "/bekraeft":
            return self.bekraeft(posted)
        contact_id, action = _contact_path(path)
        if contact_id and action == "":
            return self.save(contact_id, posted)
        if contact_id and action == "stopper":
            return self.turnover(contact_id, posted)
        return self.not_found()

    def allowed(self, token: str) -> bool:
        return hmac.compare_digest(token.encode(), self.token.encode())

    # --- pages --------------------------------------------------------------------------------------------
    def _page(self, template: str, status: int = 200, **context) -> Page:
        html = render(f"edit/{template}", token=self.token, **context)
        return Page(status, html.encode("utf-8"))

    def not_found(self) -> Page:
        return self._page("message.html", 404, title="Siden findes ikke",
                          text="Siden findes ikke. Gå til forsiden, og vælg en kontakt der.")

    def _state(self):
        ds, problems = checked(self.data_dir)
        return ds, problems, store.read(self.data_dir)

    def start(self, query, message: str = "") -> Page:
        ds, problems, snapshot = self._state()
        day = today()
        confirmed = _first(query, "bekraeftet")
        if confirmed:
            record = snapshot.record(confirmed)
            if record:
                message = f"»{record.get('name', confirmed)}« er bekræftet i dag, {date_text(day)}."
        due = []
        if ds is not None:
            for item in soon(due_items(ds), day):
                contact = item.uid.split("@")[0].removeprefix("bekraeft-").rpartition("-")[0] \
                    if item.uid.startswith("bekraeft-") else ""
                due.append({"on": date_text(item.on), "late": item.on < day, "what": item.what,
                            "contact": contact if snapshot.index(contact) is not None else "",
                            "where": f"{item.file}:{item.line}"})
        own = [(r.get("id"), r.get("name") or r.get("id")) for r in snapshot.records()
               if isinstance(r, dict) and isinstance(r.get("id"), str)]
        national = sum(1 for c in ds.contacts.values() if ds.is_national(c)) if ds is not None else 0
        name = ds.municipality.name if ds is not None else self.data_dir.name
        return self._page("start.html", title=f"Ret {name}s data" if ds else "Ret data", municipality=name,
                          due=due, soon_days=SOON_DAYS, contacts=own, national=national, digest=snapshot.digest,
                          others=other_files(self.data_dir),
                          file=snapshot.name, message=message, problems=errors(problems) if ds is None else [],
                          editable=snapshot.file.editable, why_not=snapshot.file.why_not)

    def _ids(self, ds) -> dict[str, list[tuple[str, str]]]:
        """The ids a reference field may name, each with what it names: kind -> [(id, words)]."""
        if ds is None:
            return {}
        return {"organisations": sorted((o.id, f"{o.name} ({o.id})") for o in ds.organisations.values()),
                "sources": sorted((s.id, f"{s.title} ({s.id})") for s in ds.sources.values())}

    def contact(self, contact_id: str, saved: str = "", record: dict | None = None,
                problems: list[Problem] | None = None, message: str = "", status: int = 200,
                digest: str | None = None) -> Page:
        ds, _, snapshot = self._state()
        at = snapshot.index(contact_id)
        if at is None:
            return self.not_found()
        shown = record if record is not None else snapshot.record(contact_id)
        fields = form.build(store.KIND, shown, self._ids(ds))
        rest = form.place(fields, problems or [], f"contacts[{at}]")
        summary = [f for f in fields.walk() if f.error]
        return self._page("contact.html", status, title=f"Ret kontakten {shown.get('name') or contact_id}",
                          contact_id=contact_id, name=snapshot.record(contact_id).get("name", contact_id),
                          form=fields, summary=summary, rest=[str(p) for p in rest], message=message,
                          saved=saved, digest=digest or snapshot.digest, file=snapshot.name,
                          editable=snapshot.file.editable, why_not=snapshot.file.why_not)

    def save(self, contact_id: str, posted) -> Page:
        snapshot = store.read(self.data_dir)
        old = snapshot.record(contact_id)
        if old is None:
            return self.not_found()
        ds, _ = checked(self.data_dir)
        fields = form.build(store.KIND, old, self._ids(ds))
        record = form.read(fields, posted, old)
        try:
            saved = store.save(self.data_dir, _first(posted, "sha256"), contact_id, record)
        except store.Stale:
            return self.contact(contact_id, message=STALE, status=409)
        except store.Refused as refused:
            return self.contact(contact_id, record=record, problems=refused.problems, status=422,
                                message=_refusal(refused), digest=_first(posted, "sha256"))
        return Page(303, b"", location=f"/kontakt/{quote(contact_id)}?gemt={changed_lines(saved)}")

    def bekraeft(self, posted) -> Page:
        contact_id = _first(posted, "kontakt")
        try:
            store.bekraeft(self.data_dir, _first(posted, "sha256"), contact_id, today())
        except store.Stale:
            return self.start({}, message=STALE)
        except store.Refused as refused:
            return self.start({}, message=_refusal(refused))
        return Page(303, b"", location=f"/?bekraeftet={quote(contact_id)}")

    def turnover_form(self, contact_id: str, values: dict | None = None, problems: list[Problem] | None = None,
                      message: str = "", status: int = 200, digest: str | None = None) -> Page:
        snapshot = store.read(self.data_dir)
        record = snapshot.record(contact_id)
        if record is None:
            return self.not_found()
        at = snapshot.index(contact_id)
        values = values or {"name": "", "phone": "", "email": "", "by": record.get("verified", {}).get("by", ""),
                            "real": False}
        spots = {"name": "name", "phones.0.number": "phone", "phones": "phone", "email": "email",
                 "verified.by": "by", "verified.on": "by"}
        placed, rest = {}, []
        for problem in problems or []:
            name = re.sub(r"\[(\d+)\]", r".\1", problem.path.removeprefix(f"contacts[{at}]")).lstrip(".")
            if problem.path.startswith(f"contacts[{at}]") and name in spots:
                placed[spots[name]] = f"{placed.get(spots[name], '')} {problem.message}".strip()
            else:
                rest.append(str(problem))
        return self._page("turnover.html", status, title=f"Medarbejder stopper: {record.get('name', contact_id)}",
                          contact_id=contact_id, record=record, values=values, errors=placed, rest=rest,
                          message=message, digest=digest or snapshot.digest, file=snapshot.name)

    def turnover(self, contact_id: str, posted) -> Page:
        values = {key: " ".join(_first(posted, key).split()) for key in ("name", "phone", "email", "by")}
        values["real"] = _first(posted, "real") == "ja"
        missing = {key: text for key, text in (("name", "Skriv den nye medarbejders navn."),
                                               ("by", "Skriv dit eget navn: det står i verified.by."))
                   if not values[key]}
        if missing:
            return self._with_errors(contact_id, values, missing, _first(posted, "sha256"))
        old = store.read(self.data_dir).record(contact_id)
        if old is None:
            return self.not_found()
        try:
            saved = store.turnover(self.data_dir, _first(posted, "sha256"), contact_id, values["name"],
                                   values["phone"], values["email"], values["by"], today(), values["real"])
        except store.Stale:
            return self.turnover_form(contact_id, values, message=STALE, status=409)
        except store.Refused as refused:
            return self.turnover_form(contact_id, values, refused.problems, _refusal(refused), 422,
                                      _first(posted, "sha256"))
        found = changes.foreseen(saved.ds_before, saved.ds_after) \
            if saved.ds_before is not None and saved.ds_after is not None else changes.NO_REPORT
        return self._page("report.html", title=f"Gemt: {old.get('name')} → {values['name']}", contact_id=contact_id,
                          before=old.get("name"), after=values["name"], groups=found.groups(),
                          lines=changed_lines(saved), file=store.read(self.data_dir).name)

    def _with_errors(self, contact_id, values, missing, digest) -> Page:
        snapshot = store.read(self.data_dir)
        record = snapshot.record(contact_id)
        return self._page("turnover.html", 422, title=f"Medarbejder stopper: {record.get('name', contact_id)}",
                          contact_id=contact_id, record=record, values=values, errors=missing, rest=[],
                          message="Intet er gemt: udfyld de markerede felter.", digest=digest, file=snapshot.name)


# The municipality's other files, which the form cannot edit yet, with what each holds (in the order a
# coordinator meets them). Only these names are shown: a file name in the folder is never printed as found.
OTHER_FILES = (("municipality", "kommunen, vedtagelsen, revisionen og vejen uden for åbningstid"),
               ("plan", "beredskabets tekster og afsnit"),
               ("escalation", "vejene fra bekymring til handling og hvem der gør hvad"),
               ("cards", "handlekortene"),
               ("organisations", "kommunens organisationer"),
               ("warning_signs", "bekymringstegnene"),
               ("definitions", "begreber og forkortelser"),
               ("communication", "kommunikation i akutte situationer"),
               ("forms", "skemaerne"),
               ("sources", "kilderne"),
               ("search_terms", "ekstra søgeord til håndbogen"))


def other_files(data_dir: Path) -> list[tuple[str, str]]:
    """The files of OTHER_FILES that stand in `data_dir` (as plain files, not links): (name, what it holds)."""
    found = []
    for kind, what in OTHER_FILES:
        for name in (f"{kind}.yml", f"{kind}.yaml"):
            path = Path(data_dir) / name
            if path.is_file() and not path.is_symlink():
                found.append((name, what))
    return found


def _refusal(refused: store.Refused) -> str:
    if refused.why:
        return f"Intet er gemt: {refused.why}"
    n = len(refused.problems)
    return (f"Intet er gemt: infohus check fandt {'én fejl' if n == 1 else f'{n} fejl'} i rettelsen. Ret "
            f"{'den' if n == 1 else 'dem'}, og tryk Gem igen.")


def changed_lines(saved: store.Saved) -> int:
    """How many lines of the file the save changed (added, removed or replaced)."""
    old, new = saved.before.decode("utf-8").splitlines(), saved.after.decode("utf-8").splitlines()
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


def _first(values: dict[str, list[str]], key: str) -> str:
    found = values.get(key) or [""]
    return found[0]


def _contact_path(path: str) -> tuple[str, str]:
    """"/kontakt/ssp-konsulent" -> ("ssp-konsulent", ""); "/kontakt/x/stopper" -> ("x", "stopper")."""
    parts = path.split("/")
    if len(parts) in (3, 4) and parts[1] == "kontakt" and parts[2]:
        return unquote(parts[2]), parts[3] if len(parts) == 4 else ""
    return "", ""


class Handler(BaseHTTPRequestHandler):
    """One request: Host checked, POST token checked, the app's page sent with the safety headers."""

    app: App
    server_version = "infohus-edit"
    sys_version = ""

    def log_message(self, format, *args) -> None:
        """No access log: the terminal shows only what the coordinator needs."""

    def _send(self, page: Page) -> None:
        self.send_response(page.status)
        self.send_header("Content-Type", page.kind)
        self.send_header("Content-Length", str(len(page.body)))
        for key, value in HEADERS.items():
            self.send_header(key, value)
        if page.location:
            self.send_header("Location", page.location)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(page.body)

    def _refuse(self, status: int, text: str) -> None:
        body = render("edit/message.html", token="", title=text.split(".")[0], text=text).encode("utf-8")
        self._send(Page(status, body))

    def _host_ok(self) -> bool:
        if self.headers.get("Host", "") != self.app.bound:
            self._refuse(HTTPStatus.MISDIRECTED_REQUEST,
                         f"Forkert adresse. Åbn siden som http://{self.app.bound}/ i din browser.")
            return False
        return True

    def _guard(self, run) -> None:
        try:
            self._send(run())
        except (OSError, faults.SystemFault) as exc:
            self._refuse(500, f"Intet er gemt: {faults.sentence(exc)}")
        except Exception as exc:  # a fault in infohus itself: one sentence, never a traceback on the page
            self._refuse(500, f"infohus edit stoppede på en fejl i infohus selv ({type(exc).__name__}: {exc}). "
                              "Det er ikke en fejl i data: meld den til den, der vedligeholder infohus.")

    def do_GET(self) -> None:
        if not self._host_ok():
            return
        url = urlsplit(self.path)
        self._guard(lambda: self.app.get(url.path, parse_qs(url.query)))

    do_HEAD = do_GET

    def do_POST(self) -> None:
        if not self._host_ok():
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Formularen er for stor til at blive gemt.")
            return
        posted = parse_qs(self.rfile.read(length).decode("utf-8", "replace"), keep_blank_values=True)
        origin = self.headers.get("Origin")
        if not self.app.allowed(_first(posted, "csrf")) or (origin and origin != f"http://{self.app.bound}"):
            self._refuse(HTTPStatus.FORBIDDEN, "Formularen kom ikke fra denne side, så intet er gemt. Gå til "
                                               "forsiden, og prøv igen.")
            return
        self._guard(lambda: self.app.post(urlsplit(self.path).path, posted))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def server(data_dir: Path, host: str, port: int) -> tuple[ThreadingHTTPServer, App]:
    """The bound server (port 0: any free one) and its app; a SystemFault for an address it cannot use."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    _Server.address_family = family
    try:
        httpd = _Server((host, port), Handler)
    except OSError as exc:
        raise faults.binding(exc, host, port) from None
    real = httpd.server_address[1]
    app = App(Path(data_dir).resolve(), f"[{host}]:{real}" if family == socket.AF_INET6 else f"{host}:{real}")
    httpd.RequestHandlerClass = type("BoundHandler", (Handler,), {"app": app})
    return httpd, app


def edit(data_dir: Path, addr: str) -> int:
    """Serve the form for `data_dir` on `addr` until Ctrl+C; 2 with a Danish sentence for a bad address."""
    try:
        host, port = address(addr)
    except ValueError as exc:
        sys.stderr.write(f"infohus: {exc}\n")
        return 2
    try:
        store.read(data_dir)  # a folder without a readable contacts file is said now, not on the first page
    except store.Refused as refused:
        sys.stderr.write(f"infohus: {refused.why[0].upper()}{refused.why[1:]}\n")
        return 1
    httpd, app = server(data_dir, host, port)
    sys.stdout.write(f"Ret {Path(data_dir).resolve().name} i browseren: http://{app.bound}/\n"
                     "Kun denne computer kan åbne siden. Stop med Ctrl+C.\n")
    sys.stdout.flush()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write("infohus edit er stoppet.\n")
    finally:
        httpd.server_close()
    return 0

