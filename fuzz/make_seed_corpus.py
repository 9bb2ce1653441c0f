#!/usr/bin/env python3
"""Writes the tiny seed corpora of the PyTorch and ONNX fuzzers (fuzz/corpus/fuzz_pytorch,
fuzz/corpus/fuzz_onnx) from scratch, with no torch or onnx installed: the torch.save ZIP
layout and the protobuf wire format are spelled out by hand. Re-run after changing it."""
import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- pickles (protocol 2, the opcodes torch.save emits) ----
def s(text):
    b = text.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def k(v):
    return b"K" + bytes([v])


def tensor(cls, key, numel, offset, shape, stride):
    out = b"ctorch._utils\n_rebuild_tensor_v2\n("
    out += b"(" + s("storage") + b"ctorch\n" + cls.encode() + b"\n" + s(key) + s("cpu") + k(numel) + b"tQ"
    out += k(offset) + b"(" + b"".join(k(d) for d in shape) + b"t(" + b"".join(k(d) for d in stride) + b"t"
    out += b"\x89ccollections\nOrderedDict\n)RtR"
    return out


def state_dict(items):
    return b"\x80\x02ccollections\nOrderedDict\n)R(" + b"".join(s(n) + t for n, t in items) + b"u."


def torch_zip(path, pickle, storages, compress_pkl=False):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pickle, zipfile.ZIP_DEFLATED if compress_pkl else zipfile.ZIP_STORED)
        z.writestr("archive/byteorder", "little")
        for key, data in storages.items():
            z.writestr("archive/data/" + key, data)
        z.writestr("archive/version", "3\n")


def write_pytorch():
    d = os.path.join(HERE, "corpus", "fuzz_pytorch")
    os.makedirs(d, exist_ok=True)
    f6 = struct.pack("<6f", 1, 2, 3, 4, 5, 6)
    torch_zip(os.path.join(d, "linear.pth"), state_dict([("w", tensor("FloatStorage", "0", 6, 0, (2, 3), (3, 1)))]), {"0": f6})
    torch_zip(os.path.join(d, "strided_shared.pth"),
              state_dict([("t", tensor("FloatStorage", "0", 6, 0, (3, 2), (1, 3))),
                          ("b", tensor("FloatStorage", "0", 6, 2, (2,), (1,)))]), {"0": f6})
    torch_zip(os.path.join(d, "half_nested.pth"),
              b"\x80\x02}(" + s("model") + b"}(" + s("h") + tensor("HalfStorage", "1", 2, 0, (2,), (1,)) + b"u"
              + s("epoch") + k(3) + b"u.", {"1": struct.pack("<2H", 0x3C00, 0xC000)}, compress_pkl=True)
    # Bare pickles: the fuzzer wraps inputs that are not ZIPs into an archive as data.pkl.
    with open(os.path.join(d, "bare_pickle.pkl"), "wb") as f:
        f.write(state_dict([("w", tensor("FloatStorage", "0", 6, 0, (2, 3), (3, 1)))]))
    with open(os.path.join(d, "forbidden_global.pkl"), "wb") as f:
        f.write(b"\x80\x02cos\nsystem\n" + s("true") + b"\x85R.")


# ---- protobuf wire format for ONNX ----
def varint(v):
    out = b""
    v &= (1 << 64) - 1
    while True:
        c = v & 0x7F
        v >>= 7
        if v:
            out += bytes([c | 0x80])
        else:
            return out + bytes([c])


def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 0:
        return key + varint(payload)
    return key + varint(len(payload)) + payload


def tensor_proto(name, dtype, dims, raw=None, floats=None, int32s=None):
    out = field(1, 2, b"".join(varint(d) for d in dims)) + field(2, 0, dtype) + field(8, 2, name.encode())
    if raw is not None:
        out += field(9, 2, raw)
    if floats is not None:
        out += field(4, 2, struct.pack("<%df" % len(floats), *floats))
    if int32s is not None:
        out += field(5, 2, b"".join(varint(v) for v in int32s))
    return out


def node(op, inputs, outputs):
    return (b"".join(field(1, 2, i.encode()) for i in inputs) + b"".join(field(2, 2, o.encode()) for o in outputs)
            + field(4, 2, op.encode()))


def model(graph):
    return field(1, 0, 8) + field(7, 2, graph) + field(8, 2, field(2, 0, 13))


def write_onnx():
    d = os.path.join(HERE, "corpus", "fuzz_onnx")
    os.makedirs(d, exist_ok=True)
    g = (field(1, 2, node("MatMul", ["x", "w"], ["y"])) + field(2, 2, b"g")
         + field(5, 2, tensor_proto("w", 1, (3, 2), raw=struct.pack("<6f", 1, 2, 3, 4, 5, 6))))
    open(os.path.join(d, "matmul_raw.onnx"), "wb").write(model(g))
    g = (field(1, 2, node("Conv", ["x", "k", "b"], ["y"]))
         + field(5, 2, tensor_proto("k", 1, (2, 1, 1, 2), floats=[1, 2, 3, 4]))
         + field(5, 2, tensor_proto("b", 10, (2,), int32s=[0x3C00, 0xC000])))
    open(os.path.join(d, "conv_typed.onnx"), "wb").write(model(g))
    ext = tensor_proto("e", 1, (2,)) + field(13, 2, field(1, 2, b"location") + field(2, 2, b"w.bin")) + field(14, 0, 1)
    open(os.path.join(d, "external.onnx"), "wb").write(model(field(5, 2, ext)))


if __name__ == "__main__":
    write_pytorch()
    write_onnx()
