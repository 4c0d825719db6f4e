// TOTP codes for the integration tests, by an independent implementation (the `otpauth`
// package), never the worker's Rust code: what an authenticator app would show.
//
// Reads JSON lines on stdin, one each:
//   {"secret_base32":"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ","time":59}
// and writes one JSON line per input line, in order: {"code":"287082"} (SHA-1, 6 digits,
// 30-second steps, as the site enrols), or {"error":"..."} for a line it cannot read (the
// process keeps going). `time` is Unix seconds. Blank lines are skipped.
//
//   node_modules/.bin/node tests/sign/totp.mjs < requests.jsonl

import { Secret, TOTP } from 'otpauth';

function code(line) {
  const req = JSON.parse(line);
  if (req === null || typeof req !== 'object') throw new Error('expected a JSON object');
  const { secret_base32: secret, time } = req;
  if (typeof secret !== 'string' || !/^[A-Z2-7]+=*$/.test(secret)) {
    throw new Error('secret_base32 must be RFC 4648 base32, uppercase');
  }
  if (!Number.isSafeInteger(time)) throw new Error('time must be an integer (Unix seconds)');
  const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  return { code: totp.generate({ timestamp: time * 1000 }) };
}

function answer(line) {
  try {
    return JSON.stringify(code(line));
  } catch (e) {
    return JSON.stringify({ error: String(e?.message ?? e) });
  }
}

let pending = '';
function handle(text, final) {
  pending += text;
  const lines = pending.split('\n');
  pending = final ? '' : lines.pop();
  const out = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line !== '') out.push(answer(line));
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => handle(chunk, false));
process.stdin.on('end', () => handle('', true));
