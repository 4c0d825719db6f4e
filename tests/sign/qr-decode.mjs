// Reads the QR codes the site draws (app::account::qr::svg) with an independent decoder, the
// `jsqr` package, as a phone's camera would: the SVG's modules painted black on white at 6
// pixels a module, then decoded.
//
// Reads JSON lines on stdin, {"svg":"<svg ...>"}, and writes one JSON line per input line, in
// order: {"text":"..."} when it decodes, {"error":"..."} when it does not. The painting reads
// only what the site writes: a `viewBox="0 0 N N"` and one path of `M x,y h1v1h-1z` squares.
//
//   node_modules/.bin/node tests/sign/qr-decode.mjs < svgs.jsonl

import jsQR from 'jsqr';

const SCALE = 6;

function decode(line) {
  const { svg } = JSON.parse(line);
  if (typeof svg !== 'string') throw new Error('svg must be a string');
  const box = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  if (!box || box[1] !== box[2]) throw new Error('no square viewBox');
  const n = Number(box[1]);
  const paths = [...svg.matchAll(/<path [^>]*\bd="([^"]*)"/g)];
  if (paths.length !== 1) throw new Error(`expected one path, found ${paths.length}`);
  const side = n * SCALE;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const [, x, y] of paths[0][1].matchAll(/M(\d+),(\d+)h1v1h-1z/g)) {
    for (let dy = 0; dy < SCALE; dy++) {
      for (let dx = 0; dx < SCALE; dx++) {
        const at = ((Number(y) * SCALE + dy) * side + Number(x) * SCALE + dx) * 4;
        pixels[at] = pixels[at + 1] = pixels[at + 2] = 0;
      }
    }
  }
  const found = jsQR(pixels, side, side, { inversionAttempts: 'dontInvert' });
  if (!found) throw new Error('no QR code found');
  return { text: found.data };
}

function answer(line) {
  try {
    return JSON.stringify(decode(line));
  } catch (e) {
    return JSON.stringify({ error: String(e?.message ?? e) });
  }
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const out = input.split('\n').filter((l) => l.trim() !== '').map(answer);
  if (out.length) process.stdout.write(out.join('\n') + '\n');
});
