"""The `infohus` command: check the data, build the outputs, scaffold a municipality, preview it all, bring
data forward to a new data format, install the system packages.

This is the command's edge: a system fault anywhere below (a full disk, no permission, a missing or
crashing program, a refused `--out`) becomes one Danish sentence here and exit code 2.
"""
from __future__ import annotations

import argparse
import gc
import gettext
import io
import sys
from pathlib import Path

from .common.faults import SystemFault, sentence
from .common.paths import CATALOGUE, ESSENTIAL, MUNICIPALITY_FILE, SYSTEM_DEPS, default_data_dir
from .model.dataformat import DATA_FORMAT, WrongFormat, version
from .model.dataset import national_dir_for
from .model.problems import errors, report
from .outdir import Refused

EXIT_OK, EXIT_DATA, EXIT_SYSTEM, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMANDS = "check, build, directory, new, serve, edit, migrate eller system-deps"


def _speak_danish() -> None:
    """Translate argparse's own messages (usage, help, errors) with the Danish catalogue: compiled in a wheel
    (setup.py), compiled here from its source in a checkout (about 15 ms, with Babel from the test extras)."""
    compiled = CATALOGUE.with_suffix(".mo")
    if compiled.is_file():
        with compiled.open("rb") as mo:
            danish = gettext.GNUTranslations(mo)
    else:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with CATALOGUE.with_suffix(".po").open("rb") as po:
            catalog = read_po(po, locale="da")
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        danish = gettext.GNUTranslations(buffer)
    argparse._ = danish.gettext  # argparse looks its messages up through these two module names
    argparse.ngettext = danish.ngettext


def _parser() -> argparse.ArgumentParser:
    _speak_danish()
    parser = argparse.ArgumentParser(
        prog="infohus", description="Beredskab som data: tjek og byg håndbog, borgerside og handlekort.",
        epilog="Skriv fx \"infohus check\" for at tjekke data, eller \"infohus build --help\" for at se "
               "tilvalgene til en kommando.")
    parser.add_argument("--version", action="version", version=f"infohus {version()} (dataformat {DATA_FORMAT})",
                        help="vis infohus' version og det dataformat, den læser, og stop")
    sub = parser.add_subparsers(dest="command", metavar="kommando", title="kommandoer", help="en af disse:")

    def data_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data", type=Path, default=None, metavar="MAPPE",
                       help=f"kommunens datamappe (standard: den mappe, du står i, hvis den har {MUNICIPALITY_FILE}; "
                            "i infohus' eget repository data/hjoerring)")

    def strict_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--strict", action="store_true",
                       help="til udgivelse og tryk: forældede kontakter, eksempelpersoner og "
                            "overskredet revisionsdato er fejl")

    check = sub.add_parser("check", help="tjek data og vis alle fejl og advarsler",
                           description="Tjek kommunens data og vis alle fejl og advarsler med fil og linje.")
    data_option(check)
    strict_option(check)
    check.add_argument("--national", action="store_true",
                       help="vis også hver advarsel om de nationale data (som standard står de på én linje)")
    build = sub.add_parser("build", help="tjek data og byg håndbog, borgerside og handlekort",
                           description="Tjek data, og byg håndbogen (intranet/) og borgersiden (public/). "
                                       "En mappe skiftes kun ud, hvis den er tom eller et tidligere infohus-byg.")
    data_option(build)
    build.add_argument("--all", type=Path, default=None, metavar="MAPPE", dest="every",
                       help="byg hver kommunes datamappe i MAPPE til OUT/<mappe>/, flere ad gangen (i stedet for --data)")
    strict_option(build)
    build.add_argument("--out", type=Path, default=Path("site"), metavar="MAPPE",
                       help="mappen, der bygges til (standard: site)")
    build.add_argument("--no-cache", action="store_true", dest="no_cache",
                       help="lav alle PDF'er og forhåndsvisninger forfra uden mellemlageret (også INFOHUS_NO_CACHE=1)")
    directory = sub.add_parser("directory", help="byg den nationale oversigt over alle kommuner i en mappe",
                               description="Tjek hver kommunes datamappe i MAPPE (uden at bygge dem), og skriv "
                                           "den nationale oversigt (index.html), en HSDS 3.0-eksport (hsds.json) "
                                           "og rækkerne som JSON (kommuner.json). En kommune med fejl i data står "
                                           "i oversigten med sin første fejl. En mappe skiftes kun ud, hvis den er "
                                           "tom eller en tidligere oversigt.")
    directory.add_argument("root", type=Path, metavar="MAPPE",
                           help="mappen med kommunernes datamapper, én mappe pr. kommune (fx data)")
    directory.add_argument("--out", type=Path, required=True, metavar="MAPPE", help="mappen, oversigten skrives til")
    directory.set_defaults(data=None)
    new = sub.add_parser("new", help="opret en ny kommunes datamappe med pladsholdere (UDFYLD)",
                         description="Opret en ny kommunes datamappe med pladsholdere (UDFYLD), der skal udfyldes.")
    new.add_argument("dir", type=Path, metavar="MAPPE", help="den nye mappe, fx data/frederiksberg")
    new.add_argument("--name", required=True, metavar="NAVN", help="kommunens navn, fx \"Frederiksberg Kommune\"")
    serve = sub.add_parser("serve", help="se håndbog, handlekort og borgerside i browseren, mens du retter",
                           description="Byg og vis håndbogen med handlekort og borgersiden på din egen computer. "
                                       "Siderne opdateres af sig selv, når du gemmer en fil i datamappen.")
    data_option(serve)
    serve.add_argument("--addr", default="127.0.0.1:8000", metavar="ADRESSE",
                       help="adressen, siderne vises på (standard: 127.0.0.1:8000)")
    edit = sub.add_parser("edit", help="ret kontakterne i en formular i browseren i stedet for i YAML-filen",
                          description="Vis en formular på din egen computer, hvor du retter kommunens kontakter, "
                                      "bekræfter dem og skifter en medarbejder ud. Hver rettelse tjekkes som med "
                                      "infohus check, før den gemmes; kun de ændrede linjer i contacts.yml ændres, "
                                      "og den forrige udgave gemmes i .contacts.yml.bak.")
    data_option(edit)
    edit.add_argument("--addr", default="127.0.0.1:8001", metavar="ADRESSE",
                      help="adressen, formularen vises på, kun på denne computer (standard: 127.0.0.1:8001)")
    migrate = sub.add_parser("migrate", help=f"flyt kommunens data til dataformat {DATA_FORMAT} efter en ny version",
                             description="Flyt kommunens data frem til det dataformat, denne infohus læser. Filerne "
                                         "rettes på stedet; kommentarer og opsætning bevares, og kun de ændrede "
                                         "linjer ændres. Bagefter står der, hvad der er ændret, og hvad du selv "
                                         "skal skrive.")
    data_option(migrate)
    migrate.add_argument("--force", action="store_true",
                         help="flyt også data i et git-repository med ændringer, der ikke er committet "
                              "(der laves en sikkerhedskopi)")
    deps = sub.add_parser("system-deps", help="installér de systempakker, byggeriet skal bruge (kræver root)",
                          description="Installér de Debian-pakker, PDF'erne skal bruge (wkhtmltopdf, Pango, "
                                      "skrifttyper), med apt-get. Som almindelig bruger vises kommandoen, der "
                                      "skal køres med sudo.")
    deps.set_defaults(data=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns 0 clean, 1 data errors, 2 usage or system errors."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"infohus: vælg en kommando: {COMMANDS}. Skriv \"infohus --help\" for at se, hvad "
                         "de gør.\n")
        return EXIT_SYSTEM
    missing = [path for path in ESSENTIAL if not path.exists()]
    if missing:
        sys.stderr.write(f"infohus: installationen er ikke hel: {missing[0]} mangler. Installér infohus igen, fx med "
                         "pipx reinstall infohus eller pip install --force-reinstall infohus.\n")
        return EXIT_SYSTEM
    try:
        return _run(args)
    except WrongFormat as exc:
        sys.stderr.write(exc.sentence(_invoked_as()) + "\n")
        return EXIT_DATA if exc.older else EXIT_SYSTEM
    except (OSError, SystemFault) as exc:
        unchanged = f" Intet er bygget, og \"{args.out}\" er ikke ændret." \
            if args.command == "build" and not isinstance(exc, Refused) else ""
        sys.stderr.write(f"infohus: {sentence(exc)}{unchanged}\n")
        return EXIT_SYSTEM
    except KeyboardInterrupt:
        sys.stderr.write("infohus: afbrudt. Intet er ændret.\n")
        return EXIT_INTERRUPTED
    except SystemExit as exc:  # a library's own exit(): its code is none of ours
        if exc.code in (None, EXIT_OK, EXIT_DATA, EXIT_SYSTEM, EXIT_INTERRUPTED):
            raise
        sys.stderr.write(f"infohus: {args.command} stoppede uventet (kode {exc.code}). {BUG}\n")
        return EXIT_SYSTEM
    except Exception as exc:  # a fault in infohus itself: one sentence, never a traceback, never taken for exit 1
        sys.stderr.write(f"infohus: {args.command} stoppede på en fejl i infohus selv ({type(exc).__name__}: "
                         f"{exc}). {BUG}\n")
        return EXIT_SYSTEM


BUG = "Det er ikke en fejl i data: meld den til den, der vedligeholder infohus."


def _run(args: argparse.Namespace) -> int:
    if getattr(args, "no_cache", False):
        from .common import cache
        with cache.turned_off():
            return _command(args)
    return _command(args)


def _command(args: argparse.Namespace) -> int:
    if args.command == "new":
        return _new(args.dir, args.name)
    if args.command == "system-deps":
        return _system_deps()
    if args.command == "directory":
        return _directory(args.root, args.out)
    if args.command == "build" and args.every is not None:
        return _build_every(args)
    if args.data is None:
        args.data = default_data_dir()
    if args.data is None:
        sys.stderr.write(f"infohus: der er ingen {MUNICIPALITY_FILE} i den mappe, du står i. Angiv kommunens "
                         "datamappe med --data, fx --data odsherred, eller opret en ny med infohus new.\n")
        return EXIT_SYSTEM
    if not args.data.is_dir():
        sys.stderr.write(f"infohus: datamappen \"{args.data}\" findes ikke. Angiv en mappe med --data, "
                         "fx --data odsherred.\n")
        return EXIT_SYSTEM
    if args.command == "migrate":
        from .migrate import migrate  # ruamel.yaml is only imported when it is needed
        return migrate(args.data, force=args.force, command=_invoked_as())
    if args.command == "check":
        return _check(args.data, args.strict, args.national)
    if args.command == "edit":
        from .edit.app import edit  # the web form is only imported when it is needed
        return edit(args.data, args.addr)
    if args.command == "serve":
        from .serve import serve  # MkDocs is only imported when it is needed
        return serve(args.data, args.addr)
    from .build import build_all
    return build_all(args.data, args.out, args.strict)


def _directory(root: Path, out: Path) -> int:
    if not root.is_dir():
        sys.stderr.write(f"infohus: mappen \"{root}\" findes ikke. Angiv mappen med kommunernes datamapper, "
                         "fx infohus directory data --out oversigt.\n")
        return EXIT_SYSTEM
    from .build import build_directory, municipality_folders
    if not municipality_folders(root):
        sys.stderr.write(f"infohus: der er ingen kommunemapper i \"{root}\". Angiv mappen, der har én datamappe pr. "
                         "kommune, fx infohus directory data --out oversigt.\n")
        return EXIT_SYSTEM
    return build_directory(root, out)


def _build_every(args: argparse.Namespace) -> int:
    if args.data is not None:
        sys.stderr.write("infohus: brug enten --data (én kommune) eller --all (alle kommuner i en mappe), ikke begge.\n")
        return EXIT_SYSTEM
    from .build import build_every, municipality_folders
    if not args.every.is_dir() or not municipality_folders(args.every):
        sys.stderr.write(f"infohus: der er ingen kommunemapper i \"{args.every}\". Angiv mappen, der har én datamappe "
                         "pr. kommune, fx infohus build --all data --out site.\n")
        return EXIT_SYSTEM
    return build_every(args.every, args.out, args.strict)


def _new(folder: Path, name: str) -> int:
    from .scaffold.create import create, municipality_id

    if folder.exists() and any(folder.iterdir()):
        sys.stderr.write(f"infohus: mappen \"{folder}\" findes allerede og er ikke tom. Vælg en ny mappe, "
                         "så intet bliver overskrevet.\n")
        return EXIT_SYSTEM
    if not municipality_id(name):
        sys.stderr.write(f"infohus: \"{name}\" kan ikke bruges som kommunenavn. Skriv fx --name \"Halsnæs Kommune\".\n")
        return EXIT_SYSTEM
    files = create(folder, name)
    sys.stdout.write(f"Oprettet {folder} med {len(files)} filer til {name}.\n"
                     "Udfyld alt, der begynder med UDFYLD, og se hvad der mangler med:\n"
                     f"  {_invoked_as()} check --data {folder}\n")
    return EXIT_OK


def _system_deps() -> int:
    """The shipped scripts/system-deps.sh with the `site` profile: apt-get as root, the sudo line otherwise."""
    import subprocess

    return subprocess.run(["bash", str(SYSTEM_DEPS), "site"]).returncode


def _invoked_as() -> str:
    """The command as the user typed it (e.g. `.venv/bin/infohus`), so a hint can be copied as it is."""
    typed = sys.argv[0] if sys.argv else ""
    return typed if Path(typed).name == "infohus" else "infohus"


def _check(data_dir: Path, strict: bool, national: bool = False) -> int:
    from .gates import checked, heading

    ds, problems = checked(data_dir, strict)
    sys.stdout.write(heading(data_dir, ds) + "\n")
    sys.stdout.flush()
    stream = sys.stderr if errors(problems) else sys.stdout
    stream.write(report(problems, national_dir_for(data_dir), national_in_full=national) + "\n")
    if ds is not None and ds.municipality is not None and not errors(problems):
        sys.stdout.write(_due_text(ds))
    return EXIT_DATA if errors(problems) else EXIT_OK


def _due_text(ds) -> str:
    """The short list of what falls due within 30 days (and what is overdue), earliest first."""
    from .common.dates import date_text
    from .model.due import SOON_DAYS, due_items, soon

    items = soon(due_items(ds), ds.today)
    if not items:
        return f"\nIntet forfalder de næste {SOON_DAYS} dage.\n"
    lines = [f"\nForfalder de næste {SOON_DAYS} dage:"]
    for item in items:
        late = " (overskredet)" if item.on < ds.today else ""
        lines.append(f"  {date_text(item.on)}{late}: {item.what} – {item.file}:{item.line}")
    return "\n".join(lines) + "\n"


def entry() -> None:
    """The `infohus` command: `main`, then out of the interpreter without its last garbage collection over
    everything the command leaves in memory (the data, the site's pages, MkDocs and its theme): a tenth of a
    second of every build. What the command wrote is closed by then; `gc.freeze` only tells the collector that
    nothing left needs it."""
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry()
