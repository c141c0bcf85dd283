#!/usr/bin/env bash
# medgemma4j vs llama.cpp, side by side on the same GGUF file, same threads, interleaved rounds.
#
#   bench/compare.sh [-t THREADS] [-p PROMPT] [-n GEN] [-k ROUNDS] [--types "Q4_K_M Q8_0"] [--kernels auto|java|native]
#                    [--no-warmup] [--smoke]
#
# Builds the project, makes (or reuses, under ~/.cache/medgemma4j/fixtures) a fixture with MedGemma 4B's
# text dimensions and random weights, quantized by llama.cpp's own quantizer, then for each type runs
# ROUNDS rounds of [ours, llama.cpp] (alternating which goes first) with one repetition each, prints
# every measurement, the median ratios and the decode roofline: model bytes x decode tok/s against the
# read bandwidth this script measures itself. Each engine first runs an untimed warm-up (the prompt and
# one step), as llama-bench does by default; the warm-up's prefill is printed too, as the cold figure
# (our first prompt includes the JIT compiling the Java side). --no-warmup: time the cold run instead.
# --kernels: our kernels (default auto). --smoke: the tiny fixture, a short prompt, one round (seconds;
# what CI runs to keep the script working, no speed claims).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
THREADS=2 PROMPT=512 GEN=128 ROUNDS=3 TYPES="Q4_K_M Q8_0" SPEC=medgemma4b SMOKE=0 WARMUP=() KERNELS=auto
while [ $# -gt 0 ]; do
  case "$1" in
    -t) THREADS="$2"; shift 2 ;;
    -p) PROMPT="$2"; shift 2 ;;
    -n) GEN="$2"; shift 2 ;;
    -k) ROUNDS="$2"; shift 2 ;;
    --types) TYPES="$2"; shift 2 ;;
    --no-warmup) WARMUP=(--no-warmup); shift ;;
    --kernels) KERNELS="$2"; shift 2 ;;
    --smoke) SMOKE=1; SPEC=tiny; PROMPT=32; GEN=8; ROUNDS=1; TYPES="Q4_K_M"; shift ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
JAVA=""
for c in "${JAVA_HOME:+$JAVA_HOME/bin/java}" /usr/lib/jvm/temurin-25-jdk-amd64/bin/java "$(command -v java || true)"; do
  if [ -n "$c" ] && [ -x "$c" ] && [ "$(java_major "$c")" -ge 25 ] 2>/dev/null; then JAVA="$c"; break; fi
done
[ -n "$JAVA" ] || { echo "compare.sh: JDK 25 or newer is required (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME="$(dirname "$(dirname "$JAVA")")"
# llama.cpp, installed once by the project's oracle/setup.sh (npm node-llama-cpp), driven in-process by the bench jar.
if [ -z "${LLAMA_ORACLE_LIB:-}" ]; then export LLAMA_ORACLE_LIB="$(bash "$ROOT/oracle/setup.sh")"; fi

echo "== build" >&2
"$ROOT/mvnw" -q -f "$ROOT/pom.xml" -pl cli,bench -am -DskipTests package >&2
JFLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
TOOLS=("$JAVA" "${JFLAGS[@]}" -XX:+UseParallelGC -jar "$ROOT/bench/target/medgemma-bench.jar")
# The weights are mapped, not on the heap: a small heap keeps the default sizing (1/4 of RAM) from
# counting garbage into peak RSS, and the serial collector has no per-region bookkeeping (-65 MB of
# peak RSS against the parallel one at the same speed; 256 MB holds a 512-token prefill).
OURS=("$JAVA" "${JFLAGS[@]}" -XX:+UseSerialGC -Xmx256m -jar "$ROOT/cli/target/medgemma.jar")
quiet() { grep -v 'WARNING: Using incubator modules' >&2 || true; }

echo "== fixture ($SPEC: $TYPES; first use writes an 8 GB F16 source and quantizes it, minutes)" >&2
mapfile -t FILES < <("${TOOLS[@]}" fixture "$SPEC" $TYPES 2> >(quiet))

echo "== read bandwidth ($THREADS threads, 8 independent 64-byte loads in flight per thread)" >&2
BW_SECONDS=4; [ "$SMOKE" = 1 ] && BW_SECONDS=0.5
BW_MB=4096; [ "$SMOKE" = 1 ] && BW_MB=256
BW_JSON="$("${TOOLS[@]}" bandwidth -t "$THREADS" -mb "$BW_MB" -s "$BW_SECONDS" 2> >(quiet))"
echo "$BW_JSON"
BW=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["gb_s"])' "$BW_JSON")

RESULTS="$(mktemp)"
trap 'rm -f "$RESULTS"' EXIT
i=0
for f in "${FILES[@]}"; do
  type="$(basename "$f" .gguf)"; type="${type##*-}"
  for ((r = 1; r <= ROUNDS; r++)); do
    order="ours oracle"; [ $(((r + i) % 2)) = 0 ] && order="oracle ours"
    for who in $order; do
      if [ "$who" = ours ]; then
        j="$("${OURS[@]}" bench -m "$f" -p "$PROMPT" -n "$GEN" -t "$THREADS" -r 1 --kernels "$KERNELS" ${WARMUP[@]+"${WARMUP[@]}"} --json 2> >(quiet))"
      else
        j="$("${TOOLS[@]}" llama-bench "$f" -p "$PROMPT" -n "$GEN" -t "$THREADS" -r 1 ${WARMUP[@]+"${WARMUP[@]}"} 2> >(quiet))"
      fi
      echo "$type round $r $who: $j" >&2
      echo "$type $r $who $j" >> "$RESULTS"
    done
  done
  i=$((i + 1))
done

python3 - "$RESULTS" "$BW" "$THREADS" "$PROMPT" "$GEN" <<'PY'
import json, sys, statistics
path, bw, threads, prompt, gen = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
runs = {}
for line in open(path):
    t, r, who, j = line.split(" ", 3)
    runs.setdefault(t, {}).setdefault(who, []).append(json.loads(j))
print(f"\nthreads {threads}, prompt {prompt}, gen {gen}; read bandwidth {bw:.1f} GB/s")
print(f"{'type':8} {'engine':10} {'prefill tok/s':>14} {'decode tok/s':>13} {'decode GB/s':>12} {'roofline':>9} {'model GB':>9}")
for t, by in runs.items():
    med = {}
    for who in ("ours", "oracle"):
        rs = by[who]
        pp = statistics.median(x["prefill_tok_s"] for x in rs)
        tg = statistics.median(x["decode_tok_s"] for x in rs)
        mb = rs[0]["model_bytes"]
        med[who] = (pp, tg)
        name = "medgemma4j" if who == "ours" else "llama.cpp"
        spread = f" (decode {min(x['decode_tok_s'] for x in rs):.2f}-{max(x['decode_tok_s'] for x in rs):.2f})"
        print(f"{t:8} {name:10} {pp:14.2f} {tg:13.2f} {mb*tg/1e9:12.2f} {100*mb*tg/1e9/bw:8.0f}% {mb/1e9:9.2f}{spread}")
    # ratios per round (side by side), then their median
    rp = statistics.median(a["prefill_tok_s"] / b["prefill_tok_s"] for a, b in zip(by["ours"], by["oracle"]))
    rd = statistics.median(a["decode_tok_s"] / b["decode_tok_s"] for a, b in zip(by["ours"], by["oracle"]))
    print(f"{t:8} ratio medgemma4j/llama.cpp: prefill {rp:.2f}x (target 1.0), decode {rd:.2f}x (target 1.0)")
    if all(x.get("warmup") for x in by["ours"] + by["oracle"]):
        rc = statistics.median(a["warmup_prefill_tok_s"] / b["warmup_prefill_tok_s"] for a, b in zip(by["ours"], by["oracle"]))
        cold = " / ".join(f"{statistics.median(x['warmup_prefill_tok_s'] for x in by[w]):.2f}" for w in ("ours", "oracle"))
        print(f"{t:8} cold prefill (the untimed warm-up, first prompt of the process): {cold} tok/s, ratio {rc:.2f}x")
    rss = max(x.get("peak_rss_bytes", -1) for x in by["ours"])
    kv = by["ours"][0].get("kv_bytes", 0)
    mb = by["ours"][0]["model_bytes"]
    print(f"{t:8} peak RSS {rss/1e9:.2f} GB vs model+KV+300MB {(mb+kv)/1e9+0.3:.2f} GB")
PY
