#!/usr/bin/env bash
# The project's one test command (README, and .ci/run calls exactly this).
# On a fresh Debian machine it installs what the tests need when it can
# (xmllint from libxml2-utils; Chromium and CJK fonts for the browser tests;
# axe-core from npm into a cache outside the repository), starts PostgreSQL
# if it is not running, then runs every test, go vet and a gofmt check.
# Every step is idempotent: what is there already is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*"; }

need_apt=()
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
# Browser tests (internal/ui/uitest): Debian's Chromium, and CJK fonts so
# the Korean screenshots show Hangul. In CI a missing browser fails them.
[ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; }; then need_apt+=(fonts-noto-cjk); fi
axe_version=4.14.1
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/shopqb/axe-core-$axe_version"
if [ ! -f "$axe_dir/package/axe.min.js" ] && ! command -v npm >/dev/null 2>&1; then need_apt+=(npm); fi
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${need_apt[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing: ${need_apt[*]} (install them, e.g. apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
fi

# axe-core, loaded into the pages by the browser tests (never shipped).
if [ ! -f "$axe_dir/package/axe.min.js" ]; then
  say "fetching axe-core $axe_version from npm into $axe_dir"
  mkdir -p "$axe_dir"
  (cd "$axe_dir" && npm pack "axe-core@$axe_version" --silent >/dev/null && tar xzf "axe-core-$axe_version.tgz")
fi
export SHOPQB_AXE_JS="$axe_dir/package/axe.min.js"

# PostgreSQL for the store tests: 127.0.0.1:5432, trust auth, database "test".
pg_url="${SHOPQB_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
export SHOPQB_TEST_POSTGRES_URL="$pg_url"
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    say "starting PostgreSQL"
    for v in $(ls /etc/postgresql 2>/dev/null); do
      pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    done
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi
if command -v psql >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" 2>/dev/null | grep -q 1 ||
    psql -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE test" >/dev/null 2>&1 || true
fi

say "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2; echo "$unformatted" >&2; exit 1
fi

say "go mod tidy (must change nothing)"
if ! go mod tidy -diff; then
  echo "go.mod/go.sum are not tidy: run go mod tidy and commit" >&2; exit 1
fi

say "go vet"
go vet ./...

say "go test"
go test -count=1 -timeout 15m ./...
