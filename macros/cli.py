"""The `infohus` command: check the data, build the outputs, serve the handbook."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common.paths import DEFAULT_DATA_DIR
from .model.dataset import load_dataset
from .model.problems import errors, report

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with Danish usage errors and exit code 2."""

    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"infohus: fejl i kommandoen: {message}\n")
        sys.exit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="infohus", description="Beredskab som data: tjek og byg håndbog, borgerside og handlekort.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def data_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR,
                       help="kommunens datamappe (standard: data/hjoerring)")
        p.add_argument("--strict", action="store_true",
                       help="til udgivelse og tryk: forældede kontakter, eksempelpersoner og "
                            "overskredet revisionsdato er fejl")

    data_options(sub.add_parser("check", help="tjek data og vis alle fejl og advarsler"))
    build = sub.add_parser("build", help="tjek data og byg håndbog, borgerside og handlekort")
    data_options(build)
    build.add_argument("--out", type=Path, default=Path("site"), help="outputmappe (standard: site)")
    new = sub.add_parser("new", help="opret en ny kommunes datamappe med pladsholdere (UDFYLD)")
    new.add_argument("dir", type=Path, help="den nye mappe, fx data/frederiksberg")
    new.add_argument("--name", required=True, help="kommunens navn, fx \"Frederiksberg Kommune\"")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns 0 clean, 1 data errors, 2 usage or system errors."""
    args = _parser().parse_args(argv)
    if args.command == "new":
        return _new(args.dir, args.name)
    if not args.data.is_dir():
        sys.stderr.write(f"infohus: datamappen \"{args.data}\" findes ikke. Angiv en mappe med --data, "
                         "fx --data data/hjoerring.\n")
        return EXIT_USAGE
    if args.command == "check":
        return _check(args.data, args.strict)
    from .build import build_all  # mkdocs is only imported when building
    return build_all(args.data, args.out, args.strict)


def _new(folder: Path, name: str) -> int:
    from .scaffold.create import create, municipality_id

    if folder.exists() and any(folder.iterdir()):
        sys.stderr.write(f"infohus: mappen \"{folder}\" findes allerede og er ikke tom. Vælg en ny mappe, "
                         "så intet bliver overskrevet.\n")
        return EXIT_USAGE
    if not municipality_id(name):
        sys.stderr.write(f"infohus: \"{name}\" kan ikke bruges som kommunenavn. Skriv fx --name \"Halsnæs Kommune\".\n")
        return EXIT_USAGE
    files = create(folder, name)
    sys.stdout.write(f"Oprettet {folder} med {len(files)} filer til {name}.\n"
                     "Udfyld alt, der begynder med UDFYLD, og se hvad der mangler med:\n"
                     f"  infohus check --data {folder}\n")
    return EXIT_OK


def _check(data_dir: Path, strict: bool) -> int:
    _, problems = load_dataset(data_dir, strict=strict)
    stream = sys.stderr if errors(problems) else sys.stdout
    stream.write(report(problems) + "\n")
    return EXIT_DATA if errors(problems) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
