// Parses a GGUF file with Hugging Face's @huggingface/gguf (an implementation QuantScope's
// developers did not write) and prints what it found as JSON on stdout, for
// test_gguf_interop to compare field by field with the file QuantScope wrote.
//
//   node gguf_dump.mjs <node_modules folder> <file.gguf>
//
// 64-bit integers (BigInt in JavaScript) are printed as decimal strings so no precision is
// lost; arrays are printed whole (a tokenizer's 512 tokens are a few KiB).
import { createRequire } from "node:module";
import path from "node:path";
import { readFileSync, statSync } from "node:fs";

const [modules, file] = process.argv.slice(2);
if (!modules || !file) {
  console.error("usage: node gguf_dump.mjs <node_modules folder> <file.gguf>");
  process.exit(2);
}
// Resolve the package from the given folder, not from wherever this script lives.
const require = createRequire(path.join(path.resolve(modules), "noop.js"));
const { gguf } = require("@huggingface/gguf");
// The package's "exports" hide package.json; read it beside the resolved entry point (dist/).
const entry = require.resolve("@huggingface/gguf");
const version = JSON.parse(readFileSync(path.join(path.dirname(entry), "..", "package.json"), "utf8")).version;

const plain = (v) => {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(plain);
  return v;
};

const parsed = await gguf(path.resolve(file), { allowLocalFile: true, typedMetadata: true });
const kvs = [];
for (const [key, entry] of Object.entries(parsed.typedMetadata)) {
  // version, tensor_count and kv_count are the header, which the package folds into the map.
  if (key === "version" || key === "tensor_count" || key === "kv_count") continue;
  const kv = { key, type: entry.type, value: plain(entry.value) };
  if (entry.subType !== undefined) kv.subType = entry.subType;
  if (Array.isArray(entry.value)) kv.length = entry.value.length;
  kvs.push(kv);
}
const out = {
  parser: `@huggingface/gguf ${version}`,
  fileSize: String(statSync(file).size),
  littleEndian: parsed.littleEndian,
  version: Number(plain(parsed.metadata.version)),
  tensorCount: plain(parsed.metadata.tensor_count),
  kvCount: plain(parsed.metadata.kv_count),
  tensorDataOffset: plain(parsed.tensorDataOffset),
  kvs,
  tensors: parsed.tensorInfos.map((t) => ({
    name: t.name,
    nDims: t.n_dims,
    shape: plain(t.shape),
    type: t.dtype,
    offset: plain(t.offset),
  })),
};
process.stdout.write(JSON.stringify(out));
