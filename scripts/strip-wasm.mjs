// Drops a release wasm's custom sections (`name`, `producers`, `target_features`, ...): nothing
// at run time reads them, and every visitor's cold start pays for their bytes (about 0.7 KB of
// the site's gzip). worker-build adds them after it runs wasm-opt, so wasm-opt's own strip
// flags cannot (scripts/build.sh runs this last, on release builds only).
//   node scripts/strip-wasm.mjs build/site/index_bg.wasm
import { readFileSync, writeFileSync } from 'node:fs';

const path = process.argv[2];
const wasm = readFileSync(path);
if (wasm.readUInt32BE(0) !== 0x0061736d) {
  console.error(`strip-wasm: ${path} is not a wasm module`);
  process.exit(1);
}

/** Reads an unsigned LEB128 at `at`: [value, next offset]. */
function leb(at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = wasm[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

const kept = [wasm.subarray(0, 8)];
const dropped = [];
let at = 8;
while (at < wasm.length) {
  const start = at;
  const id = wasm[at];
  const [size, body] = leb(at + 1);
  const end = body + size;
  if (end > wasm.length) {
    console.error(`strip-wasm: ${path} ends inside a section`);
    process.exit(1);
  }
  if (id === 0) {
    const [len, name] = leb(body);
    dropped.push(`${wasm.subarray(name, name + len)} (${end - start} B)`);
  } else {
    kept.push(wasm.subarray(start, end));
  }
  at = end;
}
const out = Buffer.concat(kept);
writeFileSync(path, out);
console.log(`strip-wasm: ${path}: ${wasm.length} -> ${out.length} B; dropped ${dropped.join(', ') || 'nothing'}`);
