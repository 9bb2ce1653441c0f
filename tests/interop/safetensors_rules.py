#!/usr/bin/env python3
"""Validates QuantScope's dequantized safetensors exports against the safetensors format's rules.

Written from the format's specification (https://github.com/huggingface/safetensors, README
"Format"), not from QuantScope's code:
  - 8 bytes: N, little-endian u64, the header size (at most 100 MB, the reference limit);
  - N bytes: a UTF-8 JSON object; it MUST start with '{' and MAY be padded at the end with
    spaces (0x20) only; the reference writer pads so the byte buffer starts on an 8-byte
    boundary, which we require too (zero-copy loaders rely on it);
  - keys are unique; each tensor entry is {"dtype", "shape", "data_offsets": [BEGIN, END]}
    with offsets relative to the byte buffer, END - BEGIN = numel x dtype size;
  - "__metadata__", if present, is a map of string to string (nothing else);
  - the byte buffer is entirely indexed with no holes or overlaps (sorted by BEGIN, each
    tensor starts where the previous one ended, the last ends at the end of the file).

Run as a script it exports the real llama2.c model with quantscope-cli in each float dtype
(F16, BF16, F32) and validates every file; exit 77 (CTest SKIP) when numpy or the data is absent.
"""
import json
import os
import subprocess
import sys
import tempfile

DTYPE_SIZES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
    "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4,
    "I64": 8, "U64": 8, "F64": 8,
}
MAX_HEADER = 100_000_000


class RuleViolation(Exception):
    pass


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise RuleViolation(f"duplicate keys in the header: {sorted(dup)}")
    return dict(pairs)


def read_header(path):
    """Returns (header dict, byte-buffer start offset, file size); checks the framing rules."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise RuleViolation(f"{path}: shorter than the 8-byte header size")
        n = int.from_bytes(head, "little")
        if n > MAX_HEADER or 8 + n > size:
            raise RuleViolation(f"{path}: header size {n} is past the limit or the end of the file ({size} bytes)")
        raw = f.read(n)
    if not raw.startswith(b"{"):
        raise RuleViolation(f"{path}: header does not start with '{{' (byte 8 is {raw[:1]!r})")
    body = raw.rstrip(b" ")
    if not body.endswith(b"}"):
        raise RuleViolation(f"{path}: header is padded with something other than spaces (0x20)")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RuleViolation(f"{path}: header is not UTF-8 at byte {8 + e.start}")
    header = json.loads(text, object_pairs_hook=_no_duplicates)
    if not isinstance(header, dict):
        raise RuleViolation(f"{path}: header is not a JSON object")
    if (8 + n) % 8 != 0:
        raise RuleViolation(f"{path}: byte buffer starts at {8 + n}, not on an 8-byte boundary")
    return header, 8 + n, size


def validate(path):
    """Checks every rule; returns (metadata, {name: (dtype, shape, begin, end)}, buffer start)."""
    header, start, size = read_header(path)
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise RuleViolation(f"{path}: __metadata__ must map strings to strings")
    tensors = {}
    for name, entry in header.items():
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise RuleViolation(f"{path}: tensor {name!r}: entry must hold exactly dtype, shape, data_offsets")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in DTYPE_SIZES:
            raise RuleViolation(f"{path}: tensor {name!r}: unknown dtype {dtype!r}")
        if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
            raise RuleViolation(f"{path}: tensor {name!r}: shape {shape!r} is not a list of non-negative integers")
        if (not isinstance(offsets, list) or len(offsets) != 2 or not all(isinstance(o, int) for o in offsets)
                or not 0 <= offsets[0] <= offsets[1]):
            raise RuleViolation(f"{path}: tensor {name!r}: bad data_offsets {offsets!r}")
        numel = 1
        for d in shape:
            numel *= d
        if offsets[1] - offsets[0] != numel * DTYPE_SIZES[dtype]:
            raise RuleViolation(f"{path}: tensor {name!r}: {offsets[1] - offsets[0]} bytes for {numel} x {dtype}")
        tensors[name] = (dtype, shape, offsets[0], offsets[1])
    position = 0
    for name, (_, _, begin, end) in sorted(tensors.items(), key=lambda kv: (kv[1][2], kv[1][3])):
        if begin != position:
            kind = "hole" if begin > position else "overlap"
            raise RuleViolation(f"{path}: {kind} in the byte buffer before tensor {name!r} (offset {begin}, expected {position})")
        position = end
    if start + position != size:
        raise RuleViolation(f"{path}: byte buffer holds {size - start} bytes but the tensors index {position}")
    return metadata, tensors, start


def read_tensors(path):
    """{name: (dtype, shape, bytes)} and the metadata of a valid file."""
    metadata, tensors, start = validate(path)
    out = {}
    with open(path, "rb") as f:
        for name, (dtype, shape, begin, end) in tensors.items():
            f.seek(start + begin)
            out[name] = (dtype, shape, f.read(end - begin))
    return metadata, out


def to_float32(np, dtype, data):
    """Little-endian tensor bytes as a float32 numpy array (F16, BF16, F32)."""
    if dtype == "F32":
        return np.frombuffer(data, "<f4")
    if dtype == "F16":
        return np.frombuffer(data, "<f2").astype(np.float32)
    if dtype == "BF16":
        return (np.frombuffer(data, "<u2").astype(np.uint32) << 16).view(np.float32)
    raise ValueError(dtype)


def _file(header, buffer):
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    return len(text).to_bytes(8, "little") + text + buffer


def self_test(tmp):
    """The validator rejects each kind of broken file (or it would prove nothing)."""
    good = {"__metadata__": {"m": "x"}, "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
            "b": {"dtype": "F16", "shape": [2, 2], "data_offsets": [8, 16]}}
    def variant(**change):
        h = json.loads(json.dumps(good))
        for key, value in change.items():
            h[key] = value
        return h
    cases = {
        "valid": _file(good, bytes(16)),
        "hole": _file(variant(b={"dtype": "F16", "shape": [2, 2], "data_offsets": [10, 18]}), bytes(18)),
        "overlap": _file(variant(b={"dtype": "F16", "shape": [2, 2], "data_offsets": [4, 12]}), bytes(16)),
        "size vs dtype": _file(variant(a={"dtype": "F64", "shape": [2], "data_offsets": [0, 8]}), bytes(16)),
        "unindexed tail": _file(good, bytes(20)),
        "non-string metadata": _file(variant(__metadata__={"m": 1}), bytes(16)),
        "unknown dtype": _file(variant(a={"dtype": "F31", "shape": [2], "data_offsets": [0, 8]}), bytes(16)),
    }
    def framed(text, pad, buffer):
        return len(text + pad).to_bytes(8, "little") + text + pad + buffer
    text = json.dumps(good, separators=(",", ":")).encode()
    aligned = -(8 + len(text)) % 8
    cases["unaligned buffer"] = framed(text, b" " * (aligned + 1), bytes(16))
    cases["padding not spaces"] = framed(text, b"\0" * (aligned or 8), bytes(16))
    dup = b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
    cases["duplicate key"] = framed(dup, b" " * (-(8 + len(dup)) % 8), bytes(8))
    for label, data in cases.items():
        path = os.path.join(tmp, "case.safetensors")
        with open(path, "wb") as f:
            f.write(data)
        try:
            validate(path)
            rejected = False
        except RuleViolation:
            rejected = True
        if rejected != (label != "valid"):
            raise RuleViolation(f"self-test: the {label!r} file was {'rejected' if rejected else 'accepted'}")
    print(f"self-test: the validator accepts the valid file and rejects {len(cases) - 1} broken ones")


def main(argv):
    cli, data = argv[1], argv[2]
    try:
        import numpy as np
    except ImportError:
        print("SKIP: python3-numpy is not installed")
        return 77
    model = os.path.join(data, "llm", "stories260K.bin")
    if not os.path.exists(model):
        print(f"SKIP: shared data file missing: {model}")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        self_test(tmp)
        for dtype in ("F16", "BF16", "F32"):
            out = os.path.join(tmp, f"stories260K.{dtype}.safetensors")
            subprocess.run([cli, "quantize", model, "--method", "easyquant", "--bits", "4", "--out", out,
                            "--dtype", dtype], check=True, stdout=subprocess.DEVNULL)
            metadata, tensors = read_tensors(out)
            dtypes = {}
            for name, (dt, shape, raw) in tensors.items():
                dtypes[dt] = dtypes.get(dt, 0) + 1
                values = to_float32(np, dt, raw)
                if not np.all(np.isfinite(values)):
                    raise RuleViolation(f"{out}: tensor {name!r} holds non-finite values")
            # Quantized matrices in the chosen dtype, untouched tensors (norms) as stored (F32).
            if dtypes.get(dtype, 0) < 35 or metadata.get("quantscope.method") != "easyquant":
                raise RuleViolation(f"{out}: dtypes {dtypes}, metadata {metadata}")
            print(f"{os.path.basename(out)}: valid, {len(tensors)} tensors {dtypes}, "
                  f"{len(metadata)} metadata strings, {os.path.getsize(out)} bytes")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except RuleViolation as e:
        print(f"FAIL: {e}")
        sys.exit(1)
