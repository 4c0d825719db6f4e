// The peer's copy of the site's words and stylesheet, made from the same sources the Rust build
// reads (app/content/*.toml, app/assets/site.css), the same way app/build.rs does: strings
// trimmed, CSS minified by the same rules and hashed for the CSP. Written to
// bench/out/peer/content.json at every run, so the peer never drifts from the product's copy.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The TOML the content files use: comments, `key = "..."`, `"""..."""`, `[a.b]` tables, and a
 * count's forms as an inline table of strings, `key = { one = "...", other = "..." }`.
 */
export function parseToml(text, path = 'toml') {
  const root = {};
  let table = root;
  let i = 0;
  const n = text.length;
  const fail = (msg) => {
    const line = text.slice(0, i).split('\n').length;
    throw new Error(`${path}:${line}: ${msg} (bench/lib/content.mjs reads a subset of TOML)`);
  };
  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const escape = () => {
    const c = text[i++];
    switch (c) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case '"': return '"';
      case '\\': return '\\';
      case 'u': case 'U': {
        const len = c === 'u' ? 4 : 8;
        const code = parseInt(text.slice(i, i + len), 16);
        i += len;
        return String.fromCodePoint(code);
      }
      default: fail(`unsupported escape \\${c}`);
    }
  };
  const string = () => {
    if (text.startsWith('"""', i)) {
      i += 3;
      if (text[i] === '\n') i++; // a newline right after the opening quotes is dropped
      else if (text.startsWith('\r\n', i)) i += 2;
      let s = '';
      while (i < n && !text.startsWith('"""', i)) s += text[i] === '\\' ? (i++, escape()) : text[i++];
      if (i >= n) fail('unterminated """');
      i += 3;
      return s;
    }
    if (text[i] === '"') {
      i++;
      let s = '';
      while (i < n && text[i] !== '"') {
        if (text[i] === '\n') fail('newline in a string');
        s += text[i] === '\\' ? (i++, escape()) : text[i++];
      }
      if (i >= n) fail('unterminated string');
      i++;
      return s;
    }
    if (text[i] === "'") {
      const end = text.indexOf("'", i + 1);
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    fail('only string values are supported');
  };
  // `{ one = "...", other = "..." }` on one line: the forms of a count (app/build.rs).
  const inlineTable = () => {
    i++; // {
    const t = {};
    for (;;) {
      skipSpace();
      if (text[i] === '}') { i++; return t; }
      const m = /^([A-Za-z0-9_-]+)[ \t]*=[ \t]*/.exec(text.slice(i, i + 200));
      if (!m) fail('expected key = "..." in an inline table');
      i += m[0].length;
      t[m[1]] = string();
      skipSpace();
      if (text[i] === ',') i++;
      else if (text[i] !== '}') fail('expected , or } in an inline table');
    }
  };
  while (i < n) {
    skipSpace();
    const c = text[i];
    if (c === '\n' || c === '\r') { i++; continue; }
    if (c === '#') { while (i < n && text[i] !== '\n') i++; continue; }
    if (c === '[') {
      const end = text.indexOf(']', i);
      const names = text.slice(i + 1, end).trim().split('.').map((s) => s.trim().replace(/^"|"$/g, ''));
      table = root;
      for (const name of names) table = table[name] ??= {};
      i = end + 1;
      continue;
    }
    const m = /^([A-Za-z0-9_-]+)[ \t]*=[ \t]*/.exec(text.slice(i, i + 200));
    if (!m) fail('expected key = value');
    i += m[0].length;
    table[m[1]] = text[i] === '{' ? inlineTable() : string();
    skipSpace();
    if (text[i] === '#') while (i < n && text[i] !== '\n') i++;
  }
  return root;
}

/** app/build.rs `minify_css`, line for line. */
export function minifyCss(css) {
  let noComments = '';
  let rest = css;
  for (;;) {
    const start = rest.indexOf('/*');
    if (start < 0) break;
    noComments += rest.slice(0, start);
    const end = rest.indexOf('*/', start);
    rest = end < 0 ? '' : rest.slice(end + 2);
  }
  noComments += rest;
  // Rust's split_whitespace: Unicode White_Space; the stylesheet is ASCII.
  const collapsed = noComments.split(/\s+/u).filter(Boolean).join(' ');
  const chars = [...collapsed];
  let out = '';
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k];
    if (c === ' ') {
      const prev = k > 0 ? chars[k - 1] : ' ';
      const next = k + 1 < chars.length ? chars[k + 1] : ' ';
      if ('{};:,>'.includes(prev) || '{};,>'.includes(next)) continue;
    }
    out += c;
  }
  return out.replaceAll(';}', '}');
}

const PLURAL_FORMS = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

/** A string trimmed, or a count's forms (`{ one, other }`) each trimmed; else undefined. */
function textOf(v) {
  if (typeof v === 'string') return v.trim();
  if (v && typeof v === 'object' && Object.keys(v).length && Object.entries(v).every(([f, s]) => PLURAL_FORMS.has(f) && typeof s === 'string')) {
    return Object.fromEntries(Object.entries(v).map(([f, s]) => [f, s.trim()]));
  }
  return undefined;
}

function texts(table) {
  const out = { tiers: [] };
  for (const [k, v] of Object.entries(table)) {
    const t = textOf(v);
    if (t !== undefined) out[k] = t;
  }
  for (const [id, t] of Object.entries(table.tiers ?? {})) {
    out.tiers.push({ id, name: textOf(t.name), impact: textOf(t.impact), purpose: textOf(t.purpose), counter: textOf(t.counter) });
  }
  return out;
}

/** Writes the peer's content module and returns it. */
export function writePeerContent(root, outFile) {
  const en = texts(parseToml(readFileSync(`${root}/app/content/en.toml`, 'utf8'), 'app/content/en.toml'));
  const km = texts(parseToml(readFileSync(`${root}/app/content/km.toml`, 'utf8'), 'app/content/km.toml'));
  const css = minifyCss(readFileSync(`${root}/app/assets/site.css`, 'utf8'));
  const cssHash = 'sha256-' + createHash('sha256').update(css).digest('base64');
  const content = { en, km, css, cssHash };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify(content));
  return content;
}
