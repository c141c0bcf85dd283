#!/usr/bin/env bash
# Builds llama.cpp's image path (libmtmd, with its own libllama and ggml) once, CPU only, from the llama.cpp
# source that the npm package node-llama-cpp ships as a git bundle (its prebuilt binaries have no libmtmd).
# The vision tests drive it in-process through FFM (core test sources: LlamaMtmd). Prints the folder
# holding libmtmd. About 8 minutes on 2 cores the first time; cached after that. Safe when several test
# runs start at once (a lock, then a build in a temporary folder renamed into place).
#
#   oracle/setup-vision.sh      the folder holding libmtmd.so / libllama.so / libggml*.so
#
# Cache: $MEDGEMMA_ORACLE_HOME, else ~/.cache/medgemma4j/llama.cpp (beside oracle/setup.sh's install).
# Needs cmake and a C++ compiler. Set MEDGEMMA_ORACLE_QUIET=1 to keep progress lines off stderr.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PACKAGE_ROOT="$(bash "$HERE/setup.sh" --package-root)"
BUNDLE="$PACKAGE_ROOT/node_modules/node-llama-cpp/llama/gitRelease.bundle"
BASE="${MEDGEMMA_ORACLE_HOME:-$HOME/.cache/medgemma4j/llama.cpp}"
DIR="$BASE/mtmd-$(basename "$PACKAGE_ROOT")"

fail() { echo "vision oracle setup: $1" >&2; [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 40 "$2" >&2; exit 1; }
say() { [ -n "${MEDGEMMA_ORACLE_QUIET:-}" ] || echo "vision oracle setup: $1" >&2; }

if [ ! -f "$DIR/.ok" ]; then
  command -v cmake >/dev/null || fail "cmake not found (Debian: apt-get install cmake g++)"
  command -v c++ >/dev/null || command -v g++ >/dev/null || fail "no C++ compiler (Debian: apt-get install g++)"
  [ -f "$BUNDLE" ] || fail "llama.cpp source bundle missing: $BUNDLE"
  mkdir -p "$BASE"
  exec 9>"$BASE/.mtmd-build.lock"
  command -v flock >/dev/null && flock 9   # another run may be building: wait for it
  if [ ! -f "$DIR/.ok" ]; then
    TMP="$(mktemp -d "$BASE/.mtmd-build.XXXXXX")"
    trap 'rm -rf "$TMP"' EXIT
    say "building libmtmd from $BUNDLE (once; several minutes)"
    git -c advice.detachedHead=false clone -q "$BUNDLE" "$TMP/src" >"$TMP/clone.log" 2>&1 \
      || fail "cannot clone $BUNDLE" "$TMP/clone.log"
    # Shared libraries with $ORIGIN rpaths, so the folder can be renamed into place after the build.
    cmake -S "$TMP/src" -B "$TMP/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON \
      -DGGML_NATIVE=ON -DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_VULKAN=OFF \
      -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF \
      -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_SUBPROCESS=OFF -DMTMD_VIDEO=OFF \
      -DCMAKE_BUILD_RPATH='$ORIGIN' -DCMAKE_BUILD_WITH_INSTALL_RPATH=OFF \
      >"$TMP/configure.log" 2>&1 || fail "cmake configure failed" "$TMP/configure.log"
    cmake --build "$TMP/build" --target mtmd -j"$(nproc)" >"$TMP/build.log" 2>&1 \
      || fail "build failed" "$TMP/build.log"
    mkdir -p "$TMP/lib"
    find "$TMP/build" -name '*.so*' \( -type f -o -type l \) -exec cp -P {} "$TMP/lib/" \;
    [ -f "$TMP/lib/libmtmd.so" ] || fail "the build made no libmtmd.so" "$TMP/build.log"
    rm -rf "$DIR"; mkdir -p "$DIR"
    mv "$TMP/lib" "$DIR/lib"
    mkdir -p "$DIR/include"
    cp "$TMP/src/tools/mtmd/mtmd.h" "$TMP/src/tools/mtmd/mtmd-helper.h" "$TMP/src/include/llama.h" "$DIR/include/"
    git -C "$TMP/src" rev-parse HEAD > "$DIR/commit"
    rm -rf "$TMP"; trap - EXIT
    touch "$DIR/.ok"
    say "built into $DIR/lib"
  fi
fi
echo "$DIR/lib"
