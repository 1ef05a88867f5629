#!/usr/bin/env bash
# Install the system packages a profile needs: `site` builds the handbook, the
# PDF action cards and the beredskab's PDF, `test` adds the browser and HTML
# checkers for the tests.
# Usage: bash scripts/system-deps.sh site|test
set -euo pipefail

VNU_VERSION="26.9.27"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vnu_prefix="$repo_root/.cache/vnu"
vnu_jar="$vnu_prefix/node_modules/vnu-jar/build/dist/vnu.jar"

usage() {
    echo "Brug: bash scripts/system-deps.sh site|test" >&2
    exit 2
}

# Print the packages the given profile needs, one per line.
profile_packages() {
    # wkhtmltopdf renders the action cards; the fonts cover æ, ø and å.
    printf '%s\n' wkhtmltopdf fontconfig fonts-dejavu-core fonts-liberation2 poppler-utils
    # WeasyPrint makes the beredskab's tagged PDF with Pango; HarfBuzz's subsetter
    # embeds the fonts without a timestamp, so the PDF repeats byte for byte.
    printf '%s\n' libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
    # Debian's python3 ships without venv and pip until python3-venv is installed.
    if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
        printf '%s\n' python3-venv
    fi
    if [[ $1 == test ]]; then
        # The tests drive Chromium headless, read PDFs with poppler, run
        # the Nu HTML checker on Java and trace wkhtmltopdf's connect()
        # calls with strace.
        printf '%s\n' chromium poppler-utils default-jre-headless strace
        # Some Node.js builds bundle npm; installing Debian's npm next to
        # them would conflict, so only ask for it when npm is absent.
        if ! command -v npm >/dev/null 2>&1; then
            printf '%s\n' nodejs npm
        fi
    fi
}

# Print those of the given packages that dpkg does not report as installed.
missing_packages() {
    local pkg status
    for pkg in "$@"; do
        status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
        [[ $status == *" installed" ]] || echo "$pkg"
    done
}

# Install the given packages with apt, or tell a non-root user how to.
install_packages() {
    if [[ $(id -u) -ne 0 ]]; then
        echo "Manglende systempakker: $*" >&2
        echo "Kør som administrator:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $*" >&2
        exit 1
    fi
    echo "Installerer systempakker: $*"
    apt-get update -qq
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; then
        echo "apt-get install fejlede for: $*" >&2
        exit 1
    fi
}

# Install the pinned Nu HTML checker jar into .cache/vnu unless present.
install_vnu() {
    [[ -f $vnu_jar ]] && return 0
    echo "Installerer Nu HTML Checker (vnu-jar@$VNU_VERSION) i .cache/vnu"
    # --ignore-scripts: the package's postinstall may download a Java
    # runtime from outside the package registry; Java comes from apt instead.
    npm install --prefix "$vnu_prefix" --no-save --no-package-lock \
        --no-audit --no-fund --ignore-scripts --loglevel=error \
        "vnu-jar@$VNU_VERSION"
    if [[ ! -f $vnu_jar ]]; then
        echo "vnu.jar mangler efter installation: $vnu_jar" >&2
        exit 1
    fi
}

main() {
    [[ $# -eq 1 && ( $1 == site || $1 == test ) ]] || usage
    local profile="$1"
    local -a packages missing
    mapfile -t packages < <(profile_packages "$profile")
    mapfile -t missing < <(missing_packages "${packages[@]}")
    if [[ ${#missing[@]} -gt 0 ]]; then
        install_packages "${missing[@]}"
    fi
    if [[ $profile == test ]]; then
        install_vnu
    fi
}

main "$@"
