#!/usr/bin/env bash
# End-to-end test of the packaged TopoLens VSIX in a REAL VS Code.
#
# Why this machinery: @vscode/test-electron and @vscode/test-web download VS Code from the internet, which
# CI machines here cannot reach. code-server from the npm registry is a real VS Code (web workbench + a real
# Node extension host, so the extension can fork its worker); Debian's chromium, driven by playwright-core,
# plays the user. code-server 4.100.3 (VS Code 1.100.3) is the newest release whose engines accept Node 20.
#
# What it does: ensure apt packages -> install code-server once into a cache outside the repo -> install
# dist/topolens.vsix into a throwaway profile -> start code-server in its own process group on a free port ->
# run test/e2e/e2e.test.ts -> copy logs and screenshots to test-results/e2e/ -> always stop code-server.
#
# usage: bash test/e2e/run.sh            (npm run test:e2e; needs `npm run package` first)
# env:   TOPOLENS_E2E_HOME    cache for code-server (default $HOME/.cache/topolens-e2e)
#        TOPOLENS_E2E_VSIX    VSIX under test (default dist/topolens.vsix)
#        TOPOLENS_E2E_DRIVER  driver script (default test/e2e/e2e.test.ts; for debugging the harness)
#        TOPOLENS_E2E_KEEP=1  keep the throwaway profile + workspace (path printed at the end)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CS_VERSION=4.100.3
E2E_HOME=${TOPOLENS_E2E_HOME:-${HOME:-/root}/.cache/topolens-e2e}
CS_DIR=$E2E_HOME/code-server-$CS_VERSION
CS=$CS_DIR/node_modules/.bin/code-server
CS_READY=$CS_DIR/.topolens-install-complete   # written only after a verified install
VSIX=${TOPOLENS_E2E_VSIX:-$ROOT/dist/topolens.vsix}
DRIVER=${TOPOLENS_E2E_DRIVER:-$ROOT/test/e2e/e2e.test.ts}
OUT=$ROOT/test-results/e2e
CHROMIUM=${TOPOLENS_E2E_CHROMIUM:-/usr/bin/chromium}

t0=$(date +%s%N)
log() { printf '[e2e %6.1fs] %s\n' "$(( ($(date +%s%N) - t0) / 1000000 ))e-3" "$*"; }
die() { echo "e2e: $*" >&2; exit 1; }

# ------------------------------------------------------------------------------------------------ VSIX
[ -f "$VSIX" ] || die "no VSIX at $VSIX: build it first with \`npm run build && npm run package\` (npm test does both)."
VSIX=$(readlink -f "$VSIX")

# ------------------------------------------------------------------------------------ system packages
# chromium plays the user; ripgrep replaces @vscode/ripgrep's GitHub download; libkrb5-dev (gssapi.h) and a
# C++ toolchain build code-server's native modules (kerberos, node-pty, ...).
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v g++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  [ "$(id -u)" = 0 ] || die "missing system packages: ${missing[*]} (install them with apt-get as root)."
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ------------------------------------------------------------------------- code-server (cached, once)
install_code_server() {
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR" "$E2E_HOME/tmp"
  # @vscode/ripgrep's postinstall (1.15.11 in VS Code 1.100) downloads rg from GitHub unless it finds
  # $TMPDIR/vscode-ripgrep-cache-<pkg version>/ripgrep-<tag>-<target>.tar.gz: seed it with Debian's rg.
  local seed=$E2E_HOME/tmp/vscode-ripgrep-cache-1.15.11
  mkdir -p "$seed" "$E2E_HOME/tmp/rg"
  cp "$(command -v rg)" "$E2E_HOME/tmp/rg/rg"
  tar -czf "$seed/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$E2E_HOME/tmp/rg" rg
  echo '{ "name": "topolens-e2e-code-server", "private": true }' > "$CS_DIR/package.json"
  # - unsafe_perm: code-server's postinstall refuses to run as root without it;
  # - yes: node-pty's postinstall runs `npx node-gyp`, which must not prompt (an npmrc may say yes=false);
  # - dangerously_allow_all_scripts: newer npm may skip unreviewed install scripts, and code-server is
  #   nothing but its postinstall (it npm-installs VS Code's own dependencies, incl. nested installs);
  # - foreground_scripts: script output lands in the install log.
  log "npm install code-server@$CS_VERSION into $CS_DIR (about 1 min; log: $E2E_HOME/code-server-install.log)"
  if ! (cd "$CS_DIR" && TMPDIR=$E2E_HOME/tmp npm_config_unsafe_perm=true npm_config_yes=true \
        npm_config_dangerously_allow_all_scripts=true npm_config_foreground_scripts=true \
        npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false \
        npm install "code-server@$CS_VERSION" < /dev/null > "$E2E_HOME/code-server-install.log" 2>&1); then
    tail -40 "$E2E_HOME/code-server-install.log" >&2
    die "npm install code-server@$CS_VERSION failed (full log: $E2E_HOME/code-server-install.log)."
  fi
  # The postinstall must really have run: it installs VS Code's node_modules (with the rg binary) and links
  # node_modules.asar. npm only warns when it skips scripts, so check the results, not the exit code.
  local vs=$CS_DIR/node_modules/code-server/lib/vscode
  [ -e "$vs/node_modules.asar" ] && [ -x "$vs/node_modules/@vscode/ripgrep/bin/rg" ] \
    && [ -d "$vs/extensions/node_modules" ] \
    || die "code-server's postinstall did not run (npm skipped install scripts?): see $E2E_HOME/code-server-install.log."
  "$CS" --version > /dev/null || die "code-server was installed but \`$CS --version\` fails."
  touch "$CS_READY"
}
mkdir -p "$E2E_HOME"
exec 9> "$E2E_HOME/.install.lock"   # parallel runs share the cache: one installs, the others wait
flock 9
[ -f "$CS_READY" ] || install_code_server
flock -u 9
log "code-server $("$CS" --version 2>/dev/null | head -1)"

# -------------------------------------------------------------------------------- throwaway profile
rm -rf "$OUT"; mkdir -p "$OUT"
RUN=$(mktemp -d "${TMPDIR:-/tmp}/topolens-e2e-run.XXXXXX")
# From here on every exit stops code-server and the driver, collects the logs and drops the profile.
CS_PGID=""
DRIVER_PGID=""
finish() {
  local rc=$?
  # Kill whole groups: code-server forks the extension host, file watcher and TopoLens' worker.
  local groups=() g alive
  for g in "$DRIVER_PGID" "$CS_PGID"; do [ -n "$g" ] && groups+=("$g"); done
  for g in "${groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  for _ in $(seq 1 20); do   # up to 2 s to exit cleanly, then no more asking
    alive=0; for g in "${groups[@]}"; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break; sleep 0.1
  done
  for g in "${groups[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
  # Logs for whoever reads a failure: code-server, the extension host, TopoLens' output channel.
  cp "$RUN/code-server.log" "$OUT/" 2>/dev/null || true
  find "$RUN/user-data/logs" -name 'remoteexthost.log' -exec cat {} + > "$OUT/exthost.log" 2>/dev/null || true
  find "$RUN/user-data/logs" -iname '*topolens*.log' -exec cat {} + > "$OUT/topolens-output.log" 2>/dev/null || true
  [ -s "$OUT/topolens-output.log" ] || rm -f "$OUT/topolens-output.log"
  if [ "${TOPOLENS_E2E_KEEP:-}" = 1 ]; then log "kept profile + workspace in $RUN"; else rm -rf "$RUN"; fi
  log "$([ "$rc" = 0 ] && echo PASSED || echo "FAILED (rc=$rc)"); logs and screenshots in $OUT"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM
mkdir -p "$RUN/user-data/User" "$RUN/extensions" "$RUN/workspace"
echo "TopoLens e2e workspace" > "$RUN/workspace/README.md"
# Without these the workbench shows a Restricted Mode banner (extension disabled), welcome pages, a chat
# side bar and update checks, all of which get between the test and the extension.
cat > "$RUN/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "extensions.ignoreRecommendations": true,
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "update.mode": "none",
  "window.restoreWindows": "none"
}
JSON
: > "$RUN/config.yaml"   # an explicit empty config keeps code-server from writing ~/.config/code-server
cs_args=(--config "$RUN/config.yaml" --user-data-dir "$RUN/user-data" --extensions-dir "$RUN/extensions")

log "install $(basename "$VSIX") ($(( $(stat -c %s "$VSIX") / 1024 )) KiB)"
"$CS" "${cs_args[@]}" --install-extension "$VSIX" --force < /dev/null > "$OUT/install-extension.log" 2>&1 \
  || { cat "$OUT/install-extension.log" >&2; die "code-server could not install $VSIX."; }

# ---------------------------------------------------------------- code-server in its own process group
PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
URL="http://127.0.0.1:$PORT/"

log "start code-server on $URL"
setsid "$CS" "${cs_args[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry \
  --disable-update-check --disable-workspace-trust "$RUN/workspace" < /dev/null > "$RUN/code-server.log" 2>&1 &
CS_PGID=$!   # setsid in a non-interactive script execs in place: this pid leads the new process group
healthy() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "${URL}healthz"; }
for _ in $(seq 1 120); do healthy && break; kill -0 "$CS_PGID" 2>/dev/null || break; sleep 0.5; done
healthy || { cat "$RUN/code-server.log" >&2; die "code-server did not answer on ${URL}healthz."; }
log "code-server is up"

# ------------------------------------------------------------------------------------------- the driver
log "run $(realpath --relative-to="$ROOT" "$DRIVER")"
set +e
cd "$ROOT"   # tsx and playwright-core resolve from the project's node_modules
TOPOLENS_E2E_URL=$URL TOPOLENS_E2E_WORKSPACE=$RUN/workspace TOPOLENS_E2E_USER_DATA=$RUN/user-data \
  TOPOLENS_E2E_EXTENSIONS=$RUN/extensions TOPOLENS_E2E_OUT=$OUT TOPOLENS_E2E_CHROMIUM=$CHROMIUM \
  setsid node --import tsx "$DRIVER" < /dev/null &
DRIVER_PGID=$!   # its own group too, so a crashed driver cannot leave chromium behind
wait "$DRIVER_PGID"
rc=$?
set -e
DRIVER_PGID=""
exit "$rc"
