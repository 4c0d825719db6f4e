// Signs webhook deliveries for the integration tests, with the providers' own packages (not the
// worker's Rust code): `stripe` for Stripe, `standardwebhooks` for Standard Webhooks.
//
// Reads JSON lines on stdin, one delivery each:
//   {"scheme":"stripe"|"standard","secret":"...","body":"...","timestamp":1767225600,"id":"msg_..."}
// and writes one JSON line per input line, in order, with the headers to send:
//   stripe:   {"Stripe-Signature":"t=...,v1=..."}
//   standard: {"webhook-id":"...","webhook-timestamp":"...","webhook-signature":"v1,..."}
// or {"error":"..."} for an input it cannot sign (the process keeps going). `timestamp` is Unix
// seconds and defaults to now; `id` is required for standard and ignored for stripe. `body` is
// signed as UTF-8, so send exactly those bytes. Blank lines are skipped.
//
// One process signs any number of lines; output is flushed once per chunk of input, so it
// works both for a whole file piped in and for a test that writes a line and waits for the
// answer.
//
//   node_modules/.bin/node tests/sign/sign.mjs < deliveries.jsonl

import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';

const standardBySecret = new Map();
function standardWebhook(secret) {
  let wh = standardBySecret.get(secret);
  if (!wh) {
    wh = new Webhook(secret); // throws on a secret that is not base64
    standardBySecret.set(secret, wh);
  }
  return wh;
}

function sign(line) {
  const req = JSON.parse(line);
  if (req === null || typeof req !== 'object') throw new Error('expected a JSON object');
  const { scheme, secret, body } = req;
  if (typeof secret !== 'string' || secret === '') throw new Error('secret must be a non-empty string');
  if (typeof body !== 'string') throw new Error('body must be a string');
  const timestamp = req.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(timestamp)) throw new Error('timestamp must be an integer (Unix seconds)');
  switch (scheme) {
    case 'stripe':
      return { 'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }) };
    case 'standard': {
      const { id } = req;
      if (typeof id !== 'string' || id === '') throw new Error('id must be a non-empty string for standard');
      const signature = standardWebhook(secret).sign(id, new Date(timestamp * 1000), body);
      return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
    }
    default:
      throw new Error(`unknown scheme ${JSON.stringify(scheme)} (stripe or standard)`);
  }
}

function answer(line) {
  try {
    return JSON.stringify(sign(line));
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
