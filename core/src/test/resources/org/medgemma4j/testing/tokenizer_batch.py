"""Many llama.cpp tokenize/detok calls in one process: the vocabulary loads once.

usage: tokenizer_batch.py ORACLE_DIR MODEL < {"tokenize": [[text, add_bos, special], ...], "detok": [[ids], ...]}
prints {"tokenize": [[ids], ...], "detok": [text, ...]}
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
from llama_oracle import Oracle  # noqa: E402

job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
o = Oracle(sys.argv[2], vocab_only=True)
result = {
    "tokenize": [o.tokenize(text, add_bos, special) for text, add_bos, special in job.get("tokenize", [])],
    "detok": [o.detok(ids) for ids in job.get("detok", [])],
}
sys.stdout.buffer.write(json.dumps(result, ensure_ascii=True).encode("ascii"))
