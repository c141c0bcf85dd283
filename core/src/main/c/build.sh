#!/bin/sh
# Builds the optional native dot kernels into $1 (two variants: AVX2, and AVX2 plus AVX-512 VNNI), picked at
# run time by CPU features. Never fails the build: without a C compiler, on another architecture or when a
# variant does not compile, the engine runs its Java kernels.
out="$1"
src="$(dirname "$0")/medgemma_kernels.c"
cc="${CC:-}"
if [ -z "$cc" ]; then
  for c in gcc cc clang; do
    if command -v "$c" >/dev/null 2>&1; then cc="$c"; break; fi
  done
fi
if [ -z "$cc" ]; then echo "[native kernels] no C compiler: skipped (the Java kernels run)"; exit 0; fi
case "$(uname -m)" in
  x86_64|amd64) ;;
  *) echo "[native kernels] $(uname -m): no kernels for this architecture yet: skipped"; exit 0 ;;
esac
mkdir -p "$out"
build() {
  if "$cc" -O3 -std=c11 -shared -fPIC -Wall -Werror $2 -o "$out/libmedgemma-kernels-$1.so" "$src"; then
    echo "[native kernels] built $out/libmedgemma-kernels-$1.so with $cc"
  else
    echo "[native kernels] $1 did not compile with $cc: skipped"
    rm -f "$out/libmedgemma-kernels-$1.so"
  fi
}
build avx2 "-mavx2 -mfma -mf16c"
build avx512vnni "-mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512vnni"
exit 0
