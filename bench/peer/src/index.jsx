/** @jsxImportSource hono/jsx */
// The peer for `make bench`: the campaign page as a developer would write it with Hono and
// hono/jsx instead of Rust + Leptos. Bench-only, never deployed.
//
// It does the work `GET /` does in the product (worker/src/pages.rs `home`):
//   - the worker's one D1 statement, copied from worker/src/store/page.rs `home_statement()`
//     (CAMPAIGN_FIELDS, comment_fields(), update_fields()), bound to the same three parameters,
//   - the same page: structure, words (app/content/*.toml) and inline stylesheet
//     (app/assets/site.css, minified as app/build.rs does), via bench/lib/content.mjs; the
//     monthly donors line, removed comments' placeholders, the latest updates, the pledge
//     form's frequency choice, eligibility box and share-link prefill (`?ref`, `?tier`,
//     `?amount`, `?frequency`), numbers and dates as each language writes them,
//   - two signed single-use form tokens (HMAC-SHA256 over form, time and a random nonce, with
//     a key derived from SITE_SECRET, as app/src/keys.rs),
//   - a strong ETag (SHA-256 of the body, 12 bytes hex), `Cache-Control: no-cache`, 304 on a
//     matching If-None-Match, and the same five security headers (app/src/security.rs).
// Not reproduced: the edge cache (the bench compares it with the product's cache-off render),
// held comments from a signed cookie (and their "Delete" links), and the pages other than `/`
// and `/km/`. The derived form-token key is kept per isolate (idiomatic Web Crypto: importKey
// once).

import { Hono } from 'hono';
import content from '@bench/content';

const { css: CSS, cssHash: CSS_HASH } = content;
const TEXT = { en: content.en, km: content.km };

// ---- SQL: the worker's page statement, as worker/src/store/page.rs builds it (`CAMPAIGN_FIELDS`
// with `store::COUNTED`, `comment_fields`, `update_fields`): the same work in D1 for both.

const COUNTED = "(flag IS NULL AND currency = 'usd' \
AND typeof(amount_cents) = 'integer' AND amount_cents BETWEEN 1 AND 10000000 \
AND typeof(refunded_cents) = 'integer' AND refunded_cents BETWEEN 0 AND 10000000)";
// The running figures (`store::figures`, #29 §1): the kept rows plus the dirty rows' pending
// deltas, as a CTE `fig(key, n)` every statement begins with.
const NET_NOW = `(CASE WHEN ${COUNTED} THEN MAX(amount_cents - refunded_cents, 0) ELSE 0 END)`;
const GIFT_NOW = `(CASE WHEN ${COUNTED} THEN 1 ELSE 0 END)`;
const MONTHLY_NOW = (p) => `(CASE WHEN ${p}.frequency = 'month' AND ${p}.status = 'active' \
AND EXISTS (SELECT 1 FROM payments WHERE pledge_id = ${p}.id AND ${COUNTED}) THEN 1 ELSE 0 END)`;
const DIRTY_PLEDGES = "SELECT id FROM pledges WHERE fig_dirty = 1 UNION SELECT pledge_id FROM payments WHERE fig_dirty = 1";
const PENDING = `SELECT k, d FROM (SELECT 'raised' AS k, SUM(${NET_NOW} - fig_net) AS d FROM payments WHERE fig_dirty = 1 \
UNION ALL SELECT 'gifts', SUM(${GIFT_NOW} - fig_gift) FROM payments WHERE fig_dirty = 1 \
UNION ALL SELECT 'net:' || (SELECT p.designation FROM pledges p WHERE p.id = y.pledge_id), SUM(${NET_NOW} - y.fig_net) \
FROM payments y WHERE y.fig_dirty = 1 GROUP BY 1 \
UNION ALL SELECT 'monthly', SUM(${MONTHLY_NOW('p')} - p.fig_monthly) FROM pledges p WHERE p.id IN (${DIRTY_PLEDGES})) \
UNION ALL SELECT k, d FROM (SELECT 'comments' AS k, SUM((status = 'approved') - fig_approved) AS d FROM comments WHERE (status = 'approved') <> fig_approved \
UNION ALL SELECT 'threads', SUM((status = 'approved') - fig_approved) FROM comments WHERE (status = 'approved') <> fig_approved AND +parent_id IS NULL)`;
const WITH_FIG = `WITH fig(key, n) AS (SELECT key, n FROM figures UNION ALL SELECT k, d FROM (${PENDING}) WHERE d IS NOT NULL AND k IS NOT NULL)`;
const FIGURE = (key) => `(SELECT COALESCE(SUM(n), 0) FROM fig WHERE key = ${key})`;
const CAMPAIGN_FIELDS = `\
'tiers', (SELECT json_group_array(json_object('id', t.id, 'amount_cents', t.amount_cents, 'units', t.units, 'position', t.position, \
'net', ${FIGURE("'net:' || t.id")})) FROM tiers t), \
'raised', ${FIGURE("'raised'")}, 'gifts', ${FIGURE("'gifts'")}, 'monthly', ${FIGURE("'monthly'")}, \
'recent', (SELECT json_group_array(json_object('name', name, 'at', at, 'seq', seq)) FROM \
(SELECT CASE WHEN p.show_name = 1 THEN p.name END AS name, p.paid_at AS at, p.rowid AS seq \
FROM pledges p WHERE p.paid_at IS NOT NULL AND EXISTS (SELECT 1 FROM payments WHERE pledge_id = p.id AND ${COUNTED}) \
ORDER BY p.paid_at DESC, p.rowid DESC LIMIT 5))`;
const VISIBLE = "(c.status = 'approved' \
OR (c.status = 'held' AND c.id IN (SELECT value FROM json_each(?1))) \
OR (c.status = 'removed' AND (EXISTS (SELECT 1 FROM comments r WHERE r.status = 'approved' AND r.parent_id = c.id) \
OR EXISTS (SELECT 1 FROM comments r WHERE r.status = 'approved' AND r.thread_id = c.id AND r.id <> c.id))))";
const COMMENT_FIELDS = `'threads', (${FIGURE("'threads'")} \
+ (SELECT COUNT(*) FROM comments c WHERE c.status IN ('held', 'removed') AND c.parent_id IS NULL AND ${VISIBLE})), \
'comments', (${FIGURE("'comments'")} \
+ (SELECT COUNT(*) FROM comments c WHERE c.status = 'held' AND c.id IN (SELECT value FROM json_each(?1)))), \
'rows', (WITH roots AS (SELECT id FROM ( \
SELECT * FROM (SELECT c.id, c.created_at FROM comments c WHERE c.status = 'approved' AND c.parent_id IS NULL \
ORDER BY c.created_at DESC, c.id DESC LIMIT ?2 + ?3) \
UNION ALL \
SELECT c.id, c.created_at FROM comments c WHERE c.status IN ('held', 'removed') AND c.parent_id IS NULL AND ${VISIBLE}) \
ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3) \
SELECT json_group_array(json_object('id', c.id, 'parent_id', c.parent_id, 'name', c.name, 'website', c.website, \
'body', c.body, 'is_campaign', c.is_campaign, 'status', c.status, 'created_at', c.created_at)) \
FROM (SELECT id FROM roots UNION SELECT r.id FROM comments r WHERE r.thread_id IN (SELECT id FROM roots)) AS ids \
CROSS JOIN comments c ON c.id = ids.id WHERE ${VISIBLE})`;
const UPDATES_ON_HOME = 3;
const UPDATE_FIELDS = `'updates', (SELECT json_group_array(json_object('id', id, 'title_en', title_en, 'body_en', body_en, \
'title_km', title_km, 'body_km', body_km, 'status', status, 'published_at', published_at, 'created_at', created_at, \
'updated_at', updated_at)) FROM (SELECT * FROM updates WHERE status = 'published' \
ORDER BY published_at DESC, id DESC LIMIT ${UPDATES_ON_HOME}))`;
const PAGE = `${WITH_FIG} SELECT json_object(${CAMPAIGN_FIELDS}, ${COMMENT_FIELDS}, ${UPDATE_FIELDS}) AS page`;
const THREADS_PER_PAGE = 10;

async function home(db, goal, page, ownHeld) {
  const held = JSON.stringify(ownHeld);
  const offset = (Math.max(page - 1, 0)) * THREADS_PER_PAGE;
  const row = await db.prepare(PAGE).bind(held, THREADS_PER_PAGE, offset).first();
  const doc = JSON.parse(row.page);
  const tiers = doc.tiers.sort((a, b) => a.position - b.position);
  const recent = doc.recent.sort((a, b) => (b.at ?? 0) - (a.at ?? 0) || b.seq - a.seq);
  const campaign = {
    goal,
    raised: doc.raised,
    gifts: doc.gifts,
    monthly: doc.monthly,
    tiers: tiers.map((t) => ({ id: t.id, amount: t.amount_cents, units: t.units, net: t.net })),
    recent: recent.map((r) => ({ name: r.name && r.name.trim() ? r.name : null, at: r.at ?? 0 })),
  };
  const all = doc.rows.map((c) => ({ ...c, is_campaign: c.is_campaign !== 0 }));
  const roots = all.filter((r) => r.parent_id === null).sort((a, b) => b.created_at - a.created_at || b.id - a.id);
  const replies = all.filter((r) => r.parent_id !== null);
  const updates = (doc.updates ?? [])
    .filter((u) => u.status === 'published')
    .sort((a, b) => (b.published_at ?? 0) - (a.published_at ?? 0) || b.id - a.id);
  return {
    campaign,
    comments: { threads: thread(roots, replies), page, total_threads: doc.threads, total_comments: doc.comments },
    updates,
  };
}

/** app/src/comment.rs `thread`. */
function thread(roots, replies) {
  replies.sort((a, b) => a.created_at - b.created_at || a.id - b.id);
  const parentOf = new Map(replies.map((c) => [c.id, c.parent_id]));
  const threads = roots.map((root) => ({ root, replies: [] }));
  for (const reply of replies) {
    let parent = reply.parent_id;
    let home = -1;
    for (let k = 0; k < replies.length + 1 && parent != null; k++) {
      home = threads.findIndex((t) => t.root.id === parent);
      if (home >= 0) break;
      parent = parentOf.get(parent) ?? null;
    }
    if (home >= 0) threads[home].replies.push(reply);
  }
  return threads;
}

// ---- formatting: app/src/money.rs, app/src/time.rs, app/src/content.rs -------------------------

const groupDigits = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
function money(cents) {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}US$${groupDigits(dollars)}${rest ? '.' + String(rest).padStart(2, '0') : ''}`;
}
// Numbers in running text as each language writes them: 1,234 and ១.២៣៤ (money stays US$50).
const KHMER_ZERO = '០'.codePointAt(0);
const digits = (lang, s) => (lang === 'km' ? s.replace(/[0-9]/g, (d) => String.fromCodePoint(KHMER_ZERO + Number(d))) : s);
const number = (lang, n) => {
  const grouped = (n < 0 ? '-' : '') + groupDigits(Math.abs(n));
  return lang === 'km' ? digits(lang, grouped.replaceAll(',', '.')) : grouped;
};
const rfc3339 = (secs) => new Date(secs * 1000).toISOString().slice(0, 19) + 'Z';
// A visitor's date, in Cambodia's time (UTC+7 all year): "28 November 2026", "២៨ វិច្ឆិកា ២០២៦".
function date(lang, secs) {
  const t = TEXT[lang];
  const d = new Date((secs + 7 * 3600) * 1000);
  const month = t.date_months.split(/\s+/)[d.getUTCMonth()] ?? '';
  return digits(lang, fill(t.date_format, { day: d.getUTCDate(), month, year: d.getUTCFullYear() }));
}
const fill = (template, values) => template.replace(/\{([^}]*)\}/g, (m, k) => (k in values ? values[k] : m));
// A count in words (app/src/i18n.rs `Lang::plural`): English has `one` for 1, Khmer `other` only.
const count = (lang, forms, n) => fill(lang === 'en' && n === 1 && forms.one ? forms.one : forms.other, { n: number(lang, n) });
const paragraphs = (text) => text.split('\n\n').map((p) => p.trim()).filter(Boolean);
const href = (lang, path) => (lang === 'km' ? (path === '/' ? '/km/' : '/km' + path) : path);
const tierText = (t, id) => t.tiers.find((x) => x.id === id);
function isWebUrl(v) {
  const lower = v.slice(0, 8).toLowerCase();
  const rest = lower.startsWith('https://') ? v.slice(8) : lower.startsWith('http://') ? v.slice(7) : null;
  return rest !== null && rest.split(/[/?#]/)[0] !== '' && !/[\s\p{Cc}"<>]/u.test(v);
}
// A field's maxlength: the browser counts UTF-16 units, the server counts what a reader sees.
const outerMax = (max) => String(max * 4);

// Bare https:// addresses in an update's paragraph become links (app/src/update.rs `pieces`).
const inUrl = (c) => c > ' ' && c <= '~' && !'<>"\'`{}|\\^'.includes(c); // visible ASCII but these
const sentenceEnd = (url) => {
  const last = url.at(-1);
  if ('.,;:!?*'.includes(last)) return true;
  const count = (c) => url.split(c).length - 1;
  if (last === ')') return count('(') < count(')');
  if (last === ']') return count('[') < count(']');
  return false;
};
function linkify(p) {
  const out = [];
  let from = 0;
  for (let at = p.indexOf('https://'); at >= 0; at = p.indexOf('https://', at + 8)) {
    if (at < from) continue;
    let end = at + 8;
    while (end < p.length && inUrl(p[end])) end++;
    while (end > at + 8 && sentenceEnd(p.slice(at + 8, end))) end--;
    const before = p[at - 1];
    const startsWord = before === undefined || /\s|\(/.test(before) || (inUrl(before) && !/[\p{L}\p{N}]/u.test(before));
    if (end === at + 8 || !/[A-Za-z0-9]/.test(p[at + 8]) || !startsWord) continue;
    if (from < at) out.push(p.slice(from, at));
    const url = p.slice(at, end);
    out.push(<a href={url} rel="nofollow ugc noopener">{url}</a>);
    from = end;
  }
  if (from < p.length) out.push(p.slice(from));
  return out;
}

// ---- keys: app/src/keys.rs --------------------------------------------------------------------

const enc = new TextEncoder();
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
let formKey;
async function formTokenKey(siteSecret) {
  if (!formKey || formKey.secret !== siteSecret) {
    const master = await crypto.subtle.importKey('raw', enc.encode(siteSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const derived = await crypto.subtle.sign('HMAC', master, enc.encode('campaign-site/v1/form-token'));
    formKey = { secret: siteSecret, key: await crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']) };
  }
  return formKey.key;
}
async function formToken(key, form, issued) {
  const t = String(issued);
  const n = hex(crypto.getRandomValues(new Uint8Array(16)));
  return `${t}.${n}.${hex(await crypto.subtle.sign('HMAC', key, enc.encode(`${form}.${t}.${n}`)))}`;
}

// ---- views: app/src/views/{mod,home,updates,comments,pledge_form}.rs ------------------------------

const OG_LOCALE = { en: 'en_US', km: 'km_KH' };

function Document({ lang, origin, title, children }) {
  const t = TEXT[lang];
  const other = lang === 'en' ? 'km' : 'en';
  const home = href(lang, '/');
  const en = origin + href('en', '/');
  const canonical = origin + home;
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{title}</title>
        <meta name="description" content={t.meta_description} />
        <meta name="robots" content="index,follow" />
        <link rel="icon" href="data:," />
        <link rel="canonical" href={canonical} />
        <link rel="alternate" hreflang="en" href={en} />
        <link rel="alternate" hreflang="km" href={origin + href('km', '/')} />
        <link rel="alternate" hreflang="x-default" href={en} />
        <meta property="og:type" content="website" />
        <meta property="og:site_name" content={t.site_name} />
        <meta property="og:title" content={title} />
        <meta property="og:description" content={t.meta_description} />
        <meta property="og:url" content={canonical} />
        <meta property="og:locale" content={OG_LOCALE[lang]} />
        <meta property="og:locale:alternate" content={OG_LOCALE[other]} />
        <link rel="alternate" type="application/atom+xml" href={href(lang, '/updates.atom')} title={t.updates_title} />
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <a class="skip" href="#main">{t.skip_link}</a>
        <header class="site">
          <div class="bar">
            <a class="brand" href={home}>{t.site_name}</a>
            <a class="lang-switch" href={href(other, '/')} hreflang={other} lang={other} title={t.switch_hint}>{t.switch_label}</a>
          </div>
          <nav class="bar" aria-label={t.nav_label}>
            <ul>
              <li><a href={`${home}#give`}>{t.nav_give}</a></li>
              <li><a href={`${home}#story`}>{t.nav_story}</a></li>
              <li><a href={`${home}#comments`}>{t.nav_comments}</a></li>
              <li><a href={`${home}#involved`}>{t.nav_involved}</a></li>
            </ul>
          </nav>
        </header>
        <main id="main">{children}</main>
        <footer>
          <p>{t.footer}</p>
          <p><a href={href(lang, '/privacy')}>{t.privacy_footer_link}</a></p>
          <p><a href={href(lang, '/manage')}>{t.manage_title}</a></p>
        </footer>
      </body>
    </html>
  );
}

const PrivacyLink = ({ lang }) => <p class="hint"><a href={href(lang, '/privacy')}>{TEXT[lang].privacy_form_link}</a></p>;
const LengthHint = ({ lang, max }) => <p class="hint">{fill(TEXT[lang].hint_max_chars, { n: number(lang, max) })}</p>;

function Progress({ lang, campaign }) {
  const t = TEXT[lang];
  const percent = campaign.goal <= 0 ? 0 : Math.min(100, Math.floor((Math.max(campaign.raised, 0) * 100) / campaign.goal));
  const raised = fill(t.progress_raised, { raised: money(campaign.raised), goal: money(campaign.goal) });
  const gifts = count(lang, t.progress_gifts, campaign.gifts);
  const monthly = count(lang, t.progress_monthly, campaign.monthly);
  return (
    <section id="progress" class="card" aria-labelledby="progress-heading">
      <h2 id="progress-heading">{t.progress_heading}</h2>
      <progress max="100" value={String(percent)} aria-label={t.progress_label}>{digits(lang, `${percent}%`)}</progress>
      <p><strong>{raised}</strong></p>
      <p>{gifts}</p>
      {campaign.monthly > 0 && <p id="monthly-supporters">{monthly}</p>}
      <h3>{t.progress_impact_heading}</h3>
      <ul class="stats">
        {campaign.tiers.map((p) => {
          const copy = tierText(t, p.id);
          if (!copy) return null;
          const funded = p.amount <= 0 || p.net <= 0 ? 0 : Math.floor(p.net / p.amount);
          return <li>{count(lang, copy.counter, funded * p.units)}</li>;
        })}
      </ul>
      <h3>{t.progress_supporters_heading}</h3>
      {campaign.recent.length === 0 ? (
        <p>{t.progress_no_gifts}</p>
      ) : (
        <ul>
          {campaign.recent.map((s) => (
            <li>{s.name ?? t.anonymous}{' · '}<time datetime={rfc3339(s.at)}>{date(lang, s.at)}</time></li>
          ))}
        </ul>
      )}
    </section>
  );
}

function TierList({ t, tiers }) {
  return (
    <section id="tiers" aria-labelledby="tiers-heading">
      <h2 id="tiers-heading">{t.tiers_heading}</h2>
      <ol class="tiers">
        {tiers.map((tier) => (
          <li><span class="amount">{money(tier.amount)}</span>{': '}{tierText(t, tier.id)?.impact ?? ''}</li>
        ))}
        <li><span class="amount">{t.tier_open_amount}</span>{': '}<a href="#involved">{t.tier_open_impact}</a></li>
      </ol>
    </section>
  );
}

/** An update in the page's language, else in the other one with a note (app/src/update.rs `in_lang`). */
function shownIn(lang, u) {
  const text = (l) => {
    const title = u[`title_${l}`]?.trim();
    return title ? { title, body: u[`body_${l}`]?.trim() ?? '' } : null;
  };
  const own = text(lang);
  if (own) return { ...own, translated: true };
  const other = lang === 'en' ? 'km' : 'en';
  const theirs = text(other);
  return theirs && { ...theirs, translated: false, writtenIn: other };
}

function Updates({ lang, updates }) {
  const t = TEXT[lang];
  if (updates.length === 0) return null;
  return (
    <section id="updates" aria-labelledby="updates-heading">
      <h2 id="updates-heading">{t.updates_heading}</h2>
      {updates.map((u) => {
        const shown = shownIn(lang, u);
        if (!shown) return null;
        const at = u.published_at ?? u.created_at;
        const other = shown.translated ? undefined : shown.writtenIn;
        return (
          <article class="update" id={`update-${u.id}`}>
            <h3 lang={other}><a href={href(lang, `/updates/${u.id}`)}>{shown.title}</a></h3>
            <p class="hint"><time datetime={rfc3339(at)}>{date(lang, at)}</time></p>
            {shown.translated ? null : <p class="hint">{t.update_not_translated}</p>}
            <div lang={other}>{paragraphs(shown.body).map((p) => <p>{linkify(p)}</p>)}</div>
          </article>
        );
      })}
      <p><a href={href(lang, '/updates')}>{t.updates_all_link}</a></p>
    </section>
  );
}

const PLEDGE_NAME_MAX = 80;
const NOTE_MAX = 500;

/** What a share link asks of the form (app/src/reach.rs): a source code and prefilled choices. */
function reachOf(query, tiers) {
  const code = (s) => (s && s.length <= 40 && /^[a-z0-9-]+$/.test(s) ? s : null);
  const latin = (s) => s.replace(/[០-៩]/g, (d) => String(d.codePointAt(0) - KHMER_ZERO));
  const dollars = query.amount && /^[0-9]{1,9}$/.test(latin(query.amount)) ? Number(latin(query.amount)) : null;
  const amount = dollars >= 5 && dollars <= 100000 ? dollars : null;
  const asked = code(query.tier);
  const tier = asked && (asked === 'own' || tiers.some((x) => x.id === asked)) ? asked : amount !== null ? 'own' : null;
  return {
    source: code(query.ref) ?? '',
    tier: tier ?? tiers[0]?.id ?? 'own',
    amount: tier === 'own' && amount !== null ? String(amount) : '',
    frequency: query.frequency === 'month' ? 'month' : 'once',
  };
}

function PledgeForm({ lang, tiers, enabled, reach }) {
  const t = TEXT[lang];
  return (
    <form method="post" action={href(lang, '/pledges')} class="card" id="pledge-form" novalidate>
      <h2 id="pledge-heading">{t.form_heading}</h2>
      <p>{t.form_intro}</p>
      {enabled ? null : <p class="notice" role="status">{t.form_not_configured}</p>}
      <input type="hidden" name="lang" value={lang} />
      <input type="hidden" name="ref" value={reach.source} />
      <fieldset>
        <legend>{t.form_choose}</legend>
        {tiers.map((tier) => (
          <div class="choice">
            <input type="radio" name="tier" id={`tier-${tier.id}`} value={tier.id} checked={tier.id === reach.tier} />
            <label for={`tier-${tier.id}`}>{`${money(tier.amount)}: ${tierText(t, tier.id)?.name ?? ''}`}</label>
          </div>
        ))}
        <div class="choice">
          <input type="radio" name="tier" id="tier-own" value="own" checked={reach.tier === 'own'} />
          <label for="tier-own">{t.form_own_amount_option}</label>
        </div>
        <label for="amount">{t.form_own_amount}</label>
        <input type="text" inputmode="numeric" name="amount" id="amount" value={reach.amount} autocomplete="off" />
      </fieldset>
      <fieldset>
        <legend>{t.form_frequency}</legend>
        {[['once', t.form_frequency_once], ['month', t.form_frequency_month]].map(([f, label]) => (
          <div class="choice">
            <input type="radio" name="frequency" id={`frequency-${f}`} value={f} checked={reach.frequency === f} aria-describedby="frequency-hint" />
            <label for={`frequency-${f}`}>{label}</label>
          </div>
        ))}
        <p class="hint" id="frequency-hint">{t.form_frequency_hint}</p>
      </fieldset>
      <label for="designation">{t.form_designation}</label>
      <select name="designation" id="designation">
        <option value="tier" selected>{t.form_designation_tier}</option>
        <option value="general">{t.form_designation_general}</option>
        {tiers.map((tier) => <option value={tier.id}>{tierText(t, tier.id)?.purpose ?? ''}</option>)}
      </select>
      <fieldset>
        <legend>{t.form_about_you}</legend>
        <label for="pledge-name">{t.form_name}</label>
        <input type="text" name="name" id="pledge-name" value="" autocomplete="name" maxlength={outerMax(PLEDGE_NAME_MAX)} />
        <label for="pledge-email">{t.form_email}</label>
        <input type="email" name="email" id="pledge-email" value="" autocomplete="email" />
        <div class="choice">
          <input type="checkbox" name="show_name" id="show-name" value="on" />
          <label for="show-name">{t.form_show_name}</label>
        </div>
        <p class="hint">{t.form_show_name_hint}</p>
        <label for="pledge-note">{t.form_note}</label>
        <LengthHint lang={lang} max={NOTE_MAX} />
        <textarea name="note" id="pledge-note" maxlength={outerMax(NOTE_MAX)}></textarea>
      </fieldset>
      <div class="choice">
        <input type="checkbox" name="eligible" id="eligible" value="on" required />
        <label for="eligible">{t.form_eligible}</label>
      </div>
      <p class="hint">{t.form_eligible_hint}</p>
      <p class="hint">{t.form_privacy}</p>
      <PrivacyLink lang={lang} />
      {t.form_checkout_language ? <p class="hint" id="checkout-language">{t.form_checkout_language}</p> : null}
      <button type="submit">{t.form_submit}</button>
    </form>
  );
}

function Story({ t }) {
  const block = (heading, id, text) => (
    <section aria-labelledby={id}>
      <h2 id={id}>{heading}</h2>
      {paragraphs(text).map((p) => <p>{p}</p>)}
    </section>
  );
  return (
    <div id="story">
      {block(t.history_heading, 'history', t.history)}
      {block(t.today_heading, 'today', t.today)}
      {block(t.plan_heading, 'plan', t.plan)}
      {block(t.thanks_heading, 'thanks', t.thanks)}
    </div>
  );
}

const COMMENT_NAME_MAX = 80;
const COMMENT_TEXT_MAX = 4000;
const OWN_COOKIE_DAYS = 30;
const OWN_COOKIE_MAX = 20;

const classOf = (c) =>
  c.status === 'removed' ? 'comment removed' : c.is_campaign ? 'comment campaign' : c.status === 'held' ? 'comment held' : 'comment';

function CommentBody({ lang, comment }) {
  const t = TEXT[lang];
  // Deleted by its author while others had replied: a placeholder, so the replies make sense.
  if (comment.status === 'removed') {
    return <article><p class="body notice">{t.comment_removed}</p></article>;
  }
  const held = comment.status === 'held';
  const who = comment.website && isWebUrl(comment.website)
    ? <a class="who" href={comment.website} rel="nofollow ugc">{comment.name}</a>
    : <span class="who">{comment.name}</span>;
  return (
    <article>
      <p class="meta">
        {who}
        {comment.is_campaign ? <span class="badge">{t.comment_campaign_badge}</span> : null}
        <time datetime={rfc3339(comment.created_at)}>{date(lang, comment.created_at)}</time>
        <a href={`#comment-${comment.id}`} aria-label={t.comment_permalink}>#</a>
        {comment.parent_id === null && !held ? <a href={`${href(lang, '/')}?reply=${comment.id}#comment-form`}>{t.comment_reply}</a> : null}
      </p>
      {held ? <p class="notice">{t.comment_awaiting}</p> : null}
      <p class="body">{comment.body}</p>
    </article>
  );
}

function Comments({ lang, page, tokens, replyTo }) {
  const t = TEXT[lang];
  const total = count(lang, t.comments_count, page.total_comments);
  const older = page.page * THREADS_PER_PAGE < page.total_threads;
  const newer = page.page > 1;
  const home = href(lang, '/');
  const replying = replyTo ? page.threads.map((th) => th.root).find((c) => c.id === replyTo) : undefined;
  return (
    <section id="comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">{t.comments_heading}</h2>
      <p class="hint">{total}</p>
      {page.threads.length === 0 ? <p>{t.comments_none}</p> : null}
      <ol class="comments">
        {page.threads.map(({ root, replies }) => (
          <li class={classOf(root)} id={`comment-${root.id}`}>
            <CommentBody lang={lang} comment={root} />
            {replies.length ? (
              <ol>
                {replies.map((c) => (
                  <li class={classOf(c)} id={`comment-${c.id}`}><CommentBody lang={lang} comment={c} /></li>
                ))}
              </ol>
            ) : null}
          </li>
        ))}
      </ol>
      <nav class="pager" aria-label={t.comments_heading}>
        {newer ? <a href={page.page === 2 ? `${home}#comments` : `${home}?page=${page.page - 1}#comments`} rel="prev">{t.comments_newer}</a> : null}
        {older ? <a href={`${home}?page=${page.page + 1}#comments`} rel="next">{t.comments_older}</a> : null}
      </nav>
      <form method="post" action={href(lang, '/comments')} class="card" id="comment-form" novalidate>
        <h3>{t.comment_form_heading}</h3>
        {replying ? <p class="hint"><a href={`#comment-${replying.id}`}>{fill(t.comment_replying_to, { name: replying.name })}</a></p> : null}
        <p class="hint">{t.comment_form_intro}</p>
        <input type="hidden" name="lang" value={lang} />
        <input type="hidden" name="token" value={tokens.comment} />
        <input type="hidden" name="parent_id" value={replying ? String(replying.id) : ''} />
        <div class="hp" aria-hidden="true">
          <label for="comment-homepage">{t.honeypot_label}</label>
          <input type="text" name="homepage" id="comment-homepage" tabindex="-1" autocomplete="off" />
        </div>
        <label for="comment-name">{t.comment_name}</label>
        <input type="text" name="name" id="comment-name" value="" autocomplete="name" maxlength={outerMax(COMMENT_NAME_MAX)} required />
        <label for="comment-website">{t.comment_website}</label>
        <input type="url" name="website" id="comment-website" value="" autocomplete="url" />
        <label for="comment-text">{t.comment_text}</label>
        <LengthHint lang={lang} max={COMMENT_TEXT_MAX} />
        <textarea name="text" id="comment-text" required maxlength={outerMax(COMMENT_TEXT_MAX)}></textarea>
        <p class="hint">{fill(t.comment_delete_later, { days: number(lang, OWN_COOKIE_DAYS), n: number(lang, OWN_COOKIE_MAX) })}</p>
        <PrivacyLink lang={lang} />
        <button type="submit">{t.comment_submit}</button>
      </form>
    </section>
  );
}

const HELP_KINDS = ['training', 'meetings', 'radio', 'information', 'other'];
const VOLUNTEER = { name: 80, phone: 40, place: 120, message: 2000 };

function Involved({ lang, token }) {
  const t = TEXT[lang];
  return (
    <section id="involved" aria-labelledby="involved-heading">
      <form method="post" action={href(lang, '/volunteer')} class="card" id="volunteer-form" novalidate>
        <h2 id="involved-heading">{t.involved_heading}</h2>
        <p>{t.involved_intro}</p>
        <input type="hidden" name="lang" value={lang} />
        <input type="hidden" name="token" value={token} />
        <div class="hp" aria-hidden="true">
          <label for="volunteer-homepage">{t.honeypot_label}</label>
          <input type="text" name="homepage" id="volunteer-homepage" tabindex="-1" autocomplete="off" />
        </div>
        <label for="volunteer-name">{t.volunteer_name}</label>
        <input type="text" name="name" id="volunteer-name" value="" autocomplete="name" maxlength={outerMax(VOLUNTEER.name)} required />
        <p class="hint">{t.volunteer_contact_hint}</p>
        <label for="volunteer-email">{t.volunteer_email}</label>
        <input type="email" name="email" id="volunteer-email" value="" autocomplete="email" />
        <label for="volunteer-phone">{t.volunteer_phone}</label>
        <input type="tel" name="phone" id="volunteer-phone" value="" autocomplete="tel" maxlength={outerMax(VOLUNTEER.phone)} />
        <label for="volunteer-place">{t.volunteer_place}</label>
        <input type="text" name="place" id="volunteer-place" value="" maxlength={outerMax(VOLUNTEER.place)} />
        <fieldset>
          <legend>{t.volunteer_help}</legend>
          {HELP_KINDS.map((kind) => (
            <div class="choice">
              <input type="checkbox" name="help" id={`help-${kind}`} value={kind} />
              <label for={`help-${kind}`}>{t[`volunteer_help_${kind}`] ?? t.volunteer_help_other}</label>
            </div>
          ))}
        </fieldset>
        <label for="volunteer-message">{t.volunteer_message}</label>
        <LengthHint lang={lang} max={VOLUNTEER.message} />
        <textarea name="message" id="volunteer-message" maxlength={outerMax(VOLUNTEER.message)}></textarea>
        <PrivacyLink lang={lang} />
        <button type="submit">{t.volunteer_submit}</button>
      </form>
    </section>
  );
}

function HomePage({ lang, origin, campaign, comments, updates, tokens, enabled, replyTo, reach }) {
  const t = TEXT[lang];
  const tiers = campaign.tiers;
  return (
    <Document lang={lang} origin={origin} title={`${t.page_title} | ${t.site_name}`}>
      <h1><span>{t.headline_1}</span><span>{t.headline_2}</span></h1>
      <p><a class="button" href="#give">{t.hero_cta}</a></p>
      <div class="two">
        <Progress lang={lang} campaign={campaign} />
        <TierList t={t} tiers={tiers} />
      </div>
      <Updates lang={lang} updates={updates} />
      <section id="give" aria-labelledby="pledge-heading">
        <PledgeForm lang={lang} tiers={tiers} enabled={enabled} reach={reach} />
      </section>
      <Story t={t} />
      <Comments lang={lang} page={comments} tokens={tokens} replyTo={replyTo} />
      <Involved lang={lang} token={tokens.volunteer} />
    </Document>
  );
}

// ---- the worker --------------------------------------------------------------------------------

const CSP = `default-src 'none'; style-src '${CSS_HASH}'; img-src 'self' data:; connect-src 'self'; form-action 'self' https://checkout.stripe.com; frame-ancestors 'none'; base-uri 'none'`;
const SECURITY = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Frame-Options': 'DENY',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

const app = new Hono();

app.use('*', async (c, next) => {
  await next();
  for (const [k, v] of Object.entries(SECURITY)) if (!c.res.headers.has(k)) c.res.headers.set(k, v);
});

async function page(c, lang, load = home) {
  const env = c.env;
  const query = c.req.query();
  const p = Number.parseInt(query.page ?? '', 10);
  const pageNo = p >= 1 && p <= 10000 ? p : 1;
  const reply = Number.parseInt(query.reply ?? '', 10);
  const goal = (Number.parseInt(env.CAMPAIGN_GOAL_USD ?? '', 10) || 0) * 100;
  const { campaign, comments, updates } = await load(env.DB, goal, pageNo, []);
  const key = await formTokenKey(env.SITE_SECRET);
  const now = Math.floor(Date.now() / 1000);
  const [comment, volunteer] = await Promise.all([formToken(key, 'comment', now), formToken(key, 'volunteer', now)]);
  const enabled = ['stripe', 'sandbox'].includes((env.CHECKOUT ?? '').trim());
  const body = '<!DOCTYPE html>' + (
    <HomePage
      lang={lang} origin={new URL(c.req.url).origin} campaign={campaign} comments={comments} updates={updates}
      tokens={{ comment, volunteer }} enabled={enabled} replyTo={Number.isNaN(reply) ? undefined : reply}
      reach={reachOf(query, campaign.tiers)}
    />
  ).toString();
  const etag = `"${hex(await crypto.subtle.digest('SHA-256', enc.encode(body))).slice(0, 24)}"`;
  const headers = { 'Content-Type': 'text/html; charset=utf-8', ETag: etag, 'Cache-Control': 'no-cache' };
  const theirs = c.req.header('If-None-Match') ?? '';
  if (theirs.split(',').some((x) => x.trim().replace(/^W\//, '') === etag)) return c.body(null, 304, headers);
  return c.body(body, 200, headers);
}

// Diagnostics for the bench: the D1 statement alone (`?page=N`: that page of comments, as the
// product's `/__bench/d1?page=N`), and the page rendered from page data read
// from D1 once per isolate (no D1 per request: the render alone), in both languages, as the
// product's `/__bench/render` and `/km/__bench/render`.
app.get('/_bench/d1', async (c) => {
  const p = Number.parseInt(c.req.query('page') ?? '', 10);
  const { comments } = await home(c.env.DB, 0, p >= 1 && p <= 10000 ? p : 1, []);
  return c.text(String(comments.total_comments));
});
let once;
const readOnce = async (db, goal, pageNo, held) => (once ??= await home(db, goal, pageNo, held));
app.get('/_bench/render', (c) => page(c, 'en', readOnce));
app.get('/km/_bench/render', (c) => page(c, 'km', readOnce));

app.get('/', (c) => page(c, 'en'));
app.get('/km/', (c) => page(c, 'km'));
app.get('/km', (c) => c.redirect('/km/', 303));
app.notFound((c) => c.text('Not found', 404));

export default app;
