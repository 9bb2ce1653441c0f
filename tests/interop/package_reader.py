#!/usr/bin/env python3
"""An independent reader of the QuantScope package (.qs.h5), written from docs/package-format.md
alone (h5py + numpy; no QuantScope code), checked against the dequantized safetensors export.

For each configuration below it runs quantscope-cli twice on a real model, once with
`--out x.qs.h5` and once with `--out x.safetensors --dtype F32|F16`, then:
  - reads the package as the doc says: root/provenance/totals attributes, every tensor group,
    unpacks the bit-packed codes, applies scales and offsets (or, for nl4, the codebook levels
    and the fp16 super-scales times the 6-bit sub-scale codes), puts the fp16 outliers back,
    undoes the out_last transposition;
  - checks the doc's invariants (code length, zero trailing bits, zero codes at outliers,
    strictly ascending outlier indices, source sha256, totals and bpw formulas);
  - compares every tensor with the safetensors file (read by safetensors_rules.py from the
    safetensors specification): same names and shapes, quantized tensors bit-identical to the
    package's dequantized values (after rounding to F16 for an F16 export), untouched tensors
    byte-identical.
Exit 77 (CTest SKIP) when h5py/numpy or the shared data are absent.
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_rules  # noqa: E402

SOURCE_DTYPE_SIZES = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "I8": 1, "U8": 1}


class Mismatch(Exception):
    pass


def text(value):
    """A string attribute (fixed-length, null-padded UTF-8; h5py gives bytes)."""
    if isinstance(value, bytes):
        return value.rstrip(b"\0").decode("utf-8")
    if hasattr(value, "tobytes"):
        return value.tobytes().rstrip(b"\0").decode("utf-8")
    return str(value)


def unpack_codes(np, packed, n, k):
    """Element i occupies stream bits [i*k, i*k+k), LSB first; stream bit j = bit j%8 of byte j//8."""
    if len(packed) != -(-n * k // 8):
        raise Mismatch(f"codes hold {len(packed)} bytes, expected ceil({n}*{k}/8)")
    bits = np.unpackbits(packed, bitorder="little")
    if bits[n * k:].any():
        raise Mismatch("trailing bits of the last code byte are not zero")
    bits = bits[: n * k].reshape(n, k).astype(np.int64)
    return (bits << np.arange(k, dtype=np.int64)).sum(axis=1)


def scale_index(np, rows, cols, granularity, group):
    if granularity == "tensor":
        return np.zeros(rows * cols, dtype=np.int64)
    per_row = -(-cols // group)
    r = np.arange(rows, dtype=np.int64)[:, None]
    c = np.arange(cols, dtype=np.int64)[None, :]
    return (r * per_row + c // group).reshape(-1)


def bpw_formula(n, k, scales, asymmetric, outliers):
    """docs/quantization.md: k bits per element, 16 per scale, k per zero point, 48 per outlier."""
    return (n * k + scales * (16 + (k if asymmetric else 0)) + outliers * 48) / n


def nl4_bpw_formula(n, k, groups, super_blocks, outliers):
    """docs/quantization.md (nl4): k bits per element, 6 per group code, 16 per super-scale, 48 per outlier."""
    return (n * k + groups * 6 + super_blocks * 16 + outliers * 48) / n


def nl4_scales(np, g, name, rows, cols, group):
    """Per-group steps d * l of an nl4 tensor: fp16 super-scales times 6-bit codes stored as l + 32."""
    a = g.attrs
    block = int(a["super_block"])
    if int(a["sub_scale_bits"]) != 6 or block % group != 0 or text(a["granularity"]) != "group":
        raise Mismatch(f"{name}: nl4 needs 6-bit sub-scales and groups dividing super_block ({block}, {group})")
    per_row, supers_per_row = -(-cols // group), -(-cols // block)
    d = g["super_scales"][()]
    if d.dtype != np.float16 or len(d) != rows * supers_per_row:
        raise Mismatch(f"{name}: super_scales are {d.dtype} x {len(d)}, expected fp16 x {rows * supers_per_row}")
    codes = unpack_codes(np, g["sub_scales"][()], rows * per_row, 6) - 32
    k = np.arange(rows * per_row) % per_row
    owner = (np.arange(rows * per_row) // per_row) * supers_per_row + (k * group) // block
    # float32: fp16 widened exactly, times a small integer (exact: 11 + 6 significant bits).
    return d.astype(np.float32)[owner] * codes.astype(np.float32), len(d)


def dequantize(np, g, name):
    """The group's float32 values in the stored (framework) order, plus its bpw and payload bytes."""
    a = g.attrs
    k, rows, cols, group = (int(a[x]) for x in ("bits", "rows", "cols", "group_size"))
    granularity, scheme = text(a["granularity"]), text(a["scheme"])
    shape = [int(d) for d in a["shape"]]
    n = rows * cols
    if n != int(np.prod(shape)) or not 2 <= k <= 8:
        raise Mismatch(f"{name}: rows x cols = {rows} x {cols} vs shape {shape}, bits {k}")
    u = unpack_codes(np, g["codes"][()], n, k)
    encoding = text(a["encoding"]) if "encoding" in a else "uniform"
    s = scale_index(np, rows, cols, granularity, group)
    if encoding == "nl4":
        levels = g["levels"][()]
        if levels.dtype != np.float32 or len(levels) != 2 ** k:
            raise Mismatch(f"{name}: levels are {levels.dtype} x {len(levels)}, expected float32 x {2 ** k}")
        steps, super_blocks = nl4_scales(np, g, name, rows, cols, group)
        # float32: the step d*l times a codebook level (exact: 17 + 7 significant bits).
        w = steps[s] * levels[u]
        datasets = ("codes", "levels", "super_scales", "sub_scales", "outlier_index", "outlier_value")
    elif encoding == "uniform":
        scales = g["scales"][()]
        offsets = g["offsets"][()].astype(np.int64)
        expected_s = 1 if granularity == "tensor" else rows * -(-cols // group)
        if len(scales) != expected_s or len(offsets) != expected_s:
            raise Mismatch(f"{name}: {len(scales)} scales / {len(offsets)} offsets, expected {expected_s}")
        if scales.dtype not in (np.float16, np.float32):
            raise Mismatch(f"{name}: scales are {scales.dtype}, the doc allows fp16 or float32")
        # float32 arithmetic: scale (fp16 widened exactly) times an exact small integer.
        w = scales.astype(np.float32)[s] * (u - offsets[s]).astype(np.float32)
        datasets = ("codes", "scales", "offsets", "outlier_index", "outlier_value")
    else:
        raise Mismatch(f"{name}: unknown encoding {encoding!r}")
    index = g["outlier_index"][()]
    values = g["outlier_value"][()]
    if values.dtype != np.float16 or len(index) != len(values):
        raise Mismatch(f"{name}: outlier_value is {values.dtype} x {len(values)} for {len(index)} indices")
    if len(index) and (np.any(np.diff(index.astype(np.int64)) <= 0) or int(index[-1]) >= n):
        raise Mismatch(f"{name}: outlier indices are not strictly ascending inside [0, {n})")
    if np.any(u[index.astype(np.int64)] != 0):
        raise Mismatch(f"{name}: a code at an outlier position is not 0")
    w[index.astype(np.int64)] = values.astype(np.float32)
    if text(a["layout"]) == "out_last":  # row r holds output channel r: transpose back
        w = w.reshape(rows, cols).T.reshape(-1)
    if encoding == "nl4":
        bpw = nl4_bpw_formula(n, k, rows * -(-cols // group), super_blocks, len(index))
    else:
        bpw = bpw_formula(n, k, len(scales), scheme == "asymmetric", len(index))
    if abs(bpw - float(a["bpw"])) > 1e-9 * bpw:
        raise Mismatch(f"{name}: bpw attribute {float(a['bpw'])} vs the documented formula {bpw}")
    payload = sum(g[d].nbytes for d in datasets)
    return w.reshape(shape), n, bpw, payload, len(index), encoding


def read_package(np, h5py, path, source):
    """{name: ("quantized", float32 array) | ("raw", dtype, shape, bytes)} and coverage counters."""
    f = h5py.File(path, "r")
    if text(f.attrs["format"]) != "quantscope-package" or int(f.attrs["format_version"]) not in (1, 2):
        raise Mismatch(f"{path}: format {f.attrs['format']!r} version {f.attrs['format_version']}")
    prov = f["provenance"].attrs
    for key in ("quantscope_version", "source_file", "source_sha256", "source_format", "config_json", "created_utc"):
        if key not in prov:
            raise Mismatch(f"{path}: provenance lacks {key}")
    with open(source, "rb") as s:
        sha = hashlib.sha256(s.read()).hexdigest()
    if text(prov["source_sha256"]) != sha or text(prov["source_file"]) != os.path.basename(source):
        raise Mismatch(f"{path}: provenance names {text(prov['source_file'])} {text(prov['source_sha256'])}, source is {sha}")
    json.loads(text(prov["config_json"]))
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text(prov["created_utc"])):
        raise Mismatch(f"{path}: created_utc {text(prov['created_utc'])!r} is not ISO 8601 UTC")
    groups = sorted(f["tensors"].keys())
    if int(f.attrs["tensor_count"]) != len(groups) or groups != [f"t{i:06d}" for i in range(len(groups))]:
        raise Mismatch(f"{path}: tensor_count {int(f.attrs['tensor_count'])}, groups {groups[:3]}...")
    tensors, seen = {}, {"outliers": 0, "asymmetric": 0, "out_last": 0, "short_group": 0, "nl4": 0, "bits": set(),
                         "granularity": set()}
    total = quantized = before = after = 0
    bit_sum = 0.0
    for key in groups:
        g = f["tensors"][key]
        name, dtype = text(g.attrs["name"]), text(g.attrs["source_dtype"])
        shape = [int(d) for d in g.attrs["shape"]]
        numel = int(np.prod(shape)) if shape else 1
        total += numel
        before += numel * SOURCE_DTYPE_SIZES[dtype]
        if int(g.attrs["quantized"]) == 1:
            w, n, bpw, payload, outliers, encoding = dequantize(np, g, name)
            seen["nl4"] += encoding == "nl4"
            tensors[name] = ("quantized", w)
            quantized += n
            bit_sum += bpw * n
            after += payload
            seen["outliers"] += outliers
            seen["asymmetric"] += text(g.attrs["scheme"]) == "asymmetric"
            seen["out_last"] += text(g.attrs["layout"]) == "out_last"
            seen["short_group"] += int(g.attrs["cols"]) % int(g.attrs["group_size"]) != 0
            seen["bits"].add(int(g.attrs["bits"]))
            seen["granularity"].add(text(g.attrs["granularity"]))
        else:
            raw = g["raw"][()].tobytes()
            if len(raw) != numel * SOURCE_DTYPE_SIZES[dtype]:
                raise Mismatch(f"{name}: raw holds {len(raw)} bytes for {shape} {dtype}")
            tensors[name] = ("raw", dtype, shape, raw)
            after += len(raw)
    t = f["totals"].attrs
    bpw = bit_sum / quantized if quantized else 0.0
    got = (int(t["total_params"]), int(t["quantized_params"]), int(t["bytes_before"]), int(t["bytes_after"]))
    if got != (total, quantized, before, after) or abs(float(t["bpw"]) - bpw) > 1e-9 * max(bpw, 1):
        raise Mismatch(f"{path}: totals {got} bpw {float(t['bpw'])}, recomputed {(total, quantized, before, after)} bpw {bpw}")
    return tensors, seen


def compare(np, package, safetensors_path, dtype):
    _, st = safetensors_rules.read_tensors(safetensors_path)
    if set(st) != set(package):
        raise Mismatch(f"tensor names differ: {sorted(set(st) ^ set(package))[:5]}")
    for name, entry in package.items():
        st_dtype, st_shape, st_raw = st[name]
        if entry[0] == "raw":
            if (st_dtype, st_shape, st_raw) != entry[1:]:
                raise Mismatch(f"{name}: untouched tensor is not a byte-for-byte copy ({st_dtype} {st_shape})")
            continue
        w = entry[1]
        if st_dtype != dtype or st_shape != list(w.shape):
            raise Mismatch(f"{name}: safetensors {st_dtype} {st_shape}, package {dtype} {list(w.shape)}")
        mine = (w.astype("<f2") if dtype == "F16" else w.astype("<f4")).reshape(-1)
        theirs = np.frombuffer(st_raw, mine.dtype)
        diff = np.flatnonzero(mine.view(f"<u{mine.itemsize}") != theirs.view(f"<u{mine.itemsize}"))
        if len(diff):
            i = int(diff[0])
            raise Mismatch(f"{name}: {len(diff)} values differ; first at flat index {i}: package {mine[i]} safetensors {theirs[i]}")


# (label, model, quantize options, safetensors dtype). Together they cover k = 3, 4, 5, 8; group,
# channel and tensor granularity; a short last group; asymmetric offsets; outliers; out_last;
# the nl4 encoding (codebook, fp16 super-scales, 6-bit sub-scale codes).
CONFIGS = [
    ("easyquant-4bit-group48", "llm/stories260K.bin", ["--method", "easyquant", "--bits", "4", "--group", "48"], "F32"),
    ("easyquant-4bit-group48-f16", "llm/stories260K.bin", ["--method", "easyquant", "--bits", "4", "--group", "48"], "F16"),
    ("rtn-3bit-asym-channel", "llm/stories260K.bin", ["--method", "rtn", "--bits", "3", "--scheme", "asym",
                                                      "--quantize-embeddings"], "F32"),
    ("rtn-5bit-tensor-onnx", "onnx/mnist-8.onnx", ["--method", "rtn", "--bits", "5", "--granularity", "tensor"], "F32"),
    ("easyquant-8bit-onnx", "onnx/mnist-8.onnx", ["--method", "easyquant", "--bits", "8"], "F32"),
    ("nl4-group16", "llm/stories260K.bin", ["--method", "nl4", "--bits", "4", "--group", "16"], "F32"),
]


def main(argv):
    cli, data = argv[1], argv[2]
    try:
        import h5py
        import numpy as np
    except ImportError as e:
        print(f"SKIP: {e.name} is not installed (Debian: python3-h5py python3-numpy)")
        return 77
    seen_all = {"outliers": 0, "asymmetric": 0, "out_last": 0, "short_group": 0, "nl4": 0, "bits": set(),
                "granularity": set()}
    with tempfile.TemporaryDirectory() as tmp:
        for label, model, options, dtype in CONFIGS:
            source = os.path.join(data, model)
            if not os.path.exists(source):
                print(f"SKIP: shared data file missing: {source}")
                return 77
            pkg = os.path.join(tmp, label + ".qs.h5")
            st = os.path.join(tmp, label + ".safetensors")
            for out, extra in ((pkg, []), (st, ["--dtype", dtype])):
                subprocess.run([cli, "quantize", source, *options, "--out", out, *extra], check=True,
                               stdout=subprocess.DEVNULL)
            tensors, seen = read_package(np, h5py, pkg, source)
            compare(np, tensors, st, dtype)
            quantized = sum(1 for t in tensors.values() if t[0] == "quantized")
            print(f"{label}: {len(tensors)} tensors ({quantized} quantized, {seen['outliers']} outliers) "
                  f"agree with the {dtype} safetensors export")
            for key in ("outliers", "asymmetric", "out_last", "short_group", "nl4"):
                seen_all[key] += seen[key]
            seen_all["bits"] |= seen["bits"]
            seen_all["granularity"] |= seen["granularity"]
    # The configurations must really exercise what the doc describes, or the check proves little.
    missing = [k for k in ("outliers", "asymmetric", "out_last", "short_group", "nl4") if not seen_all[k]]
    if missing or seen_all["granularity"] != {"tensor", "channel", "group"} or not {3, 5} <= seen_all["bits"]:
        raise Mismatch(f"coverage: nothing exercised {missing}; granularities {seen_all['granularity']}, bits {seen_all['bits']}")
    print(f"coverage: {seen_all}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (Mismatch, safetensors_rules.RuleViolation) as e:
        print(f"FAIL: {e}")
        sys.exit(1)
