// Writes app/src/webhook/fixtures.json: webhook deliveries for the unit tests of app::webhook,
// each signed by an independent implementation, never by the Rust code under test:
//   stripe            -> the `stripe` package, Stripe.webhooks.generateTestHeaderString
//   standard webhooks -> the `standardwebhooks` package, new Webhook(secret).sign(id, date, body)
// Headers that must be odd (several signatures, v0 entries, whitespace, tampering) are
// assembled from signatures those packages produced.
//
// Usage, from the repository root:
//   node_modules/.bin/node tests/sign/make-fixtures.mjs [output path]
// The output is deterministic (fixed secrets, timestamps and bodies), so regenerating it
// leaves the file unchanged unless this script or a package changed.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = resolve(process.argv[2] ?? resolve(root, 'app/src/webhook/fixtures.json'));

function pinned(name, want) {
  const got = JSON.parse(readFileSync(resolve(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  if (got !== want) throw new Error(`${name} is ${got}, fixtures are made with ${want}; run npm ci`);
  return `${name}@${got}`;
}
const STRIPE_PKG = `${pinned('stripe', '23.1.0')} webhooks.generateTestHeaderString`;
const STANDARD_PKG = `${pinned('standardwebhooks', '1.1.1')} Webhook.sign`;

const T = 1767225600; // 2026-01-01T00:00:00Z
const cases = [];

// ---- Stripe ---------------------------------------------------------------------------------

const SA = 'whsec_fixturePrimary4fQ9xT2mLw8Zr';
const SB = 'whsec_fixtureRotated7kLm3Np0Qs5Vy';
const SX = 'whsec_notConfiguredAnywhere1234'; // never in a secrets setting

const stripeHeader = (secret, body, t = T) =>
  Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: t });
const v1Of = (header) => {
  const sig = header.split(',').find((p) => p.startsWith('v1='));
  if (!sig) throw new Error(`no v1 in ${header}`);
  return sig.slice(3);
};

// Stripe sends pretty-printed JSON; the signature covers exactly these bytes.
const pretty = (obj) => JSON.stringify(obj, null, 2);

function stripeEvent(type, object, extra = {}) {
  return {
    id: 'evt_1QfixtureEvent0001',
    object: 'event',
    api_version: '2025-03-31.basil',
    created: T - 5,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    ...extra,
  };
}

function session(extra = {}) {
  return {
    id: 'cs_test_a1fixtureSession',
    object: 'checkout.session',
    amount_subtotal: 5000,
    amount_total: 5000,
    client_reference_id: 'pl_01JFIXTUREPLEDGE',
    currency: 'usd',
    customer_details: {
      address: { city: 'Springfield', country: 'US', line1: '742 Evergreen Terrace', line2: null, postal_code: '49007', state: 'OR' },
      email: 'donor@example.org',
      name: 'Jane Donor',
      phone: null,
    },
    livemode: false,
    metadata: { campaign: 'spring-2026', tier: 'supporter' },
    mode: 'payment',
    payment_intent: 'pi_3QfixturePaymentIntent',
    payment_method_types: ['card'],
    payment_status: 'paid',
    status: 'complete',
    ...extra,
  };
}

function charge(extra = {}) {
  return {
    id: 'ch_3QfixtureCharge',
    object: 'charge',
    amount: 2500,
    amount_captured: 2500,
    amount_refunded: 1000,
    billing_details: {
      address: { city: 'London', country: 'GB', line1: '10 Fixture Lane', line2: null, postal_code: 'N1 9GU', state: null },
      email: 'donor@example.org',
      name: 'Jane Donor',
      phone: null,
    },
    currency: 'gbp',
    livemode: false,
    metadata: {},
    paid: true,
    payment_intent: 'pi_3QfixtureRefundedIntent',
    payment_method_details: {
      card: { brand: 'visa', country: 'GB', exp_month: 12, exp_year: 2030, fingerprint: 'Xt5EWLLDS7FJjR1c', funding: 'credit', last4: '4242' },
      type: 'card',
    },
    refunded: false,
    status: 'succeeded',
    ...extra,
  };
}

const stripeOk = (id, kind, effect, { livemode = false, created = T - 5 } = {}) => ({
  event: { scheme: 'stripe', id, kind, livemode, created, effect },
});
const err = (name) => ({ error: name });

const paidUsd = {
  effect: 'paid',
  pledge_id: 'pl_01JFIXTUREPLEDGE',
  amount_cents: 5000,
  currency: 'usd',
  provider_ref: 'pi_3QfixturePaymentIntent',
  invoice: null,
  subscription: null,
  campaign: 'spring-2026',
  session_id: 'cs_test_a1fixtureSession',
};
const EVT = 'evt_1QfixtureEvent0001';
const paidBody = pretty(stripeEvent('checkout.session.completed', session()));
const paidOk = stripeOk(EVT, 'checkout.session.completed', paidUsd);

function stripeCase(name, { secrets = SA, headers, body = paidBody, now = T, expect }) {
  cases.push({ name: `stripe/${name}`, scheme: 'stripe', secrets, headers, body, now, signed_by: STRIPE_PKG, expect });
}
const sh = (value) => ({ 'Stripe-Signature': value });
// A delivery signed with `secret` over `body` (at T unless `t` is given).
function stripeSigned(name, { secret = SA, secrets, body = paidBody, t = T, now = T, expect }) {
  stripeCase(name, { secrets: secrets ?? secret, headers: sh(stripeHeader(secret, body, t)), body, now, expect });
}

const goodSig = v1Of(stripeHeader(SA, paidBody));
const otherSig = v1Of(stripeHeader(SX, paidBody));
const rotatedSig = v1Of(stripeHeader(SB, paidBody));

// verification
stripeSigned('paid_usd', { expect: paidOk });
stripeSigned('rotation_second_secret', { secret: SB, secrets: `${SA}, ${SB}`, expect: paidOk });
stripeSigned('rotation_first_secret', { secret: SA, secrets: `${SA},${SB}`, expect: paidOk });
stripeSigned('rotation_blank_items', { secret: SA, secrets: ` , ${SA} ,, `, expect: paidOk });
stripeCase('several_signatures_one_matches', { headers: sh(`t=${T},v1=${otherSig},v1=${rotatedSig},v1=${goodSig}`), expect: paidOk });
stripeCase('several_signatures_none_match', { headers: sh(`t=${T},v1=${otherSig},v1=${rotatedSig}`), expect: err('NoMatchingSignature') });
stripeSigned('tolerance_now_plus_300', { now: T + 300, expect: paidOk });
stripeSigned('tolerance_now_minus_300', { now: T - 300, expect: paidOk });
stripeSigned('tolerance_now_plus_301', { now: T + 301, expect: err('TimestampOutOfTolerance') });
stripeSigned('tolerance_now_minus_301', { now: T - 301, expect: err('TimestampOutOfTolerance') });
stripeCase('tampered_body', {
  headers: sh(stripeHeader(SA, paidBody)),
  body: paidBody.replace('"amount_total": 5000', '"amount_total": 500000'),
  expect: err('NoMatchingSignature'),
});
stripeCase('tampered_timestamp', { headers: sh(`t=${T + 1},v1=${goodSig}`), expect: err('NoMatchingSignature') });
stripeSigned('wrong_secret', { secret: SX, secrets: SA, expect: err('NoMatchingSignature') });
stripeCase('missing_header', { headers: {}, expect: err('MissingHeader') });
stripeCase('header_empty', { headers: sh(''), expect: err('MalformedHeader') });
stripeCase('header_garbage', { headers: sh('garbage'), expect: err('MalformedHeader') });
stripeCase('header_missing_t', { headers: sh(`v1=${goodSig}`), expect: err('MalformedHeader') });
stripeCase('header_non_numeric_t', { headers: sh(`t=yesterday,v1=${goodSig}`), expect: err('MalformedHeader') });
stripeCase('header_signed_t', { headers: sh(`t=+${T},v1=${goodSig}`), expect: err('MalformedHeader') });
stripeCase('header_duplicate_t', { headers: sh(`t=${T},t=${T},v1=${goodSig}`), expect: err('MalformedHeader') });
stripeCase('header_no_v1', { headers: sh(`t=${T}`), expect: err('MalformedHeader') });
// a correct signature under the wrong name is not accepted
stripeCase('header_only_v0', { headers: sh(`t=${T},v0=${goodSig}`), expect: err('MalformedHeader') });
stripeCase('v0_ignored_beside_v1', { headers: sh(`t=${T},v0=${otherSig},v1=${goodSig}`), expect: paidOk });
stripeCase('unknown_keys_ignored', { headers: sh(`t=${T},foo=bar,v1=${goodSig},lonely`), expect: paidOk });
stripeCase('whitespace_tolerated', { headers: sh(` t=${T} ,  v1=${goodSig} `), expect: paidOk });
stripeCase('bad_hex_entry_skipped', { headers: sh(`t=${T},v1=${'zz'.repeat(32)},v1=${goodSig.slice(2)},v1=${goodSig}`), expect: paidOk });
stripeCase('uppercase_hex', { headers: sh(`t=${T},v1=${goodSig.toUpperCase()}`), expect: err('NoMatchingSignature') });
stripeSigned('no_secret_empty', { secrets: '', expect: err('NoSecretConfigured') });
stripeSigned('no_secret_only_commas', { secrets: ' , ,', expect: err('NoSecretConfigured') });

// events
stripeSigned('paid_eur_livemode', {
  body: pretty(stripeEvent('checkout.session.completed',
    session({ currency: 'EUR', amount_total: 12345, client_reference_id: null, metadata: {}, livemode: true }),
    { livemode: true })),
  expect: stripeOk(EVT, 'checkout.session.completed', {
    ...paidUsd, pledge_id: null, amount_cents: 12345, currency: 'eur', campaign: null,
  }, { livemode: true }),
});
stripeSigned('completed_unpaid', {
  body: pretty(stripeEvent('checkout.session.completed', session({ payment_status: 'unpaid', payment_method_types: ['us_bank_account'] }))),
  expect: stripeOk(EVT, 'checkout.session.completed', { effect: 'ignored', reason: 'not_paid_yet' }),
});
stripeSigned('completed_no_payment_required', {
  body: pretty(stripeEvent('checkout.session.completed', session({ payment_status: 'no_payment_required', amount_total: 0, payment_intent: null }))),
  expect: stripeOk(EVT, 'checkout.session.completed', { effect: 'ignored', reason: 'not_paid_yet' }),
});
stripeSigned('async_payment_succeeded', {
  body: pretty(stripeEvent('checkout.session.async_payment_succeeded', session({ payment_method_types: ['us_bank_account'] }))),
  expect: stripeOk(EVT, 'checkout.session.async_payment_succeeded', paidUsd),
});
stripeSigned('async_payment_failed', {
  body: pretty(stripeEvent('checkout.session.async_payment_failed', session({ payment_status: 'unpaid' }))),
  expect: stripeOk(EVT, 'checkout.session.async_payment_failed', { effect: 'failed', pledge_id: 'pl_01JFIXTUREPLEDGE' }),
});
stripeSigned('expired', {
  body: pretty(stripeEvent('checkout.session.expired', session({ payment_status: 'unpaid', status: 'expired', payment_intent: null }))),
  expect: stripeOk(EVT, 'checkout.session.expired', { effect: 'expired', pledge_id: 'pl_01JFIXTUREPLEDGE' }),
});
stripeSigned('expired_without_reference', {
  body: pretty(stripeEvent('checkout.session.expired', session({ payment_status: 'unpaid', status: 'expired', client_reference_id: null }))),
  expect: stripeOk(EVT, 'checkout.session.expired', { effect: 'expired', pledge_id: null }),
});
// #27 §3: a declined card on the checkout page, recorded for the card-testing shield.
const declinedIntent = (extra = {}) => ({
  id: 'pi_3QfixtureDeclinedIntent', object: 'payment_intent', amount: 35000, currency: 'usd', status: 'requires_payment_method',
  last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  metadata: { pledge_id: 'pl_01JFIXTUREPLEDGE', eligibility: 'attested-cambodian-citizen-own-money' },
  ...extra,
});
stripeSigned('payment_intent_payment_failed', {
  body: pretty(stripeEvent('payment_intent.payment_failed', declinedIntent())),
  expect: stripeOk(EVT, 'payment_intent.payment_failed', {
    effect: 'card_declined', pledge_id: 'pl_01JFIXTUREPLEDGE', payment_intent: 'pi_3QfixtureDeclinedIntent',
  }),
});
stripeSigned('payment_intent_payment_failed_no_metadata', {
  body: pretty(stripeEvent('payment_intent.payment_failed', declinedIntent({ metadata: {} }))),
  expect: stripeOk(EVT, 'payment_intent.payment_failed', {
    effect: 'card_declined', pledge_id: null, payment_intent: 'pi_3QfixtureDeclinedIntent',
  }),
});
stripeSigned('payment_intent_payment_failed_no_id', {
  body: pretty(stripeEvent('payment_intent.payment_failed', declinedIntent({ id: undefined }))),
  expect: err('MalformedBody'),
});
stripeSigned('charge_refunded_gbp', {
  body: pretty(stripeEvent('charge.refunded', charge(), { livemode: true })),
  expect: stripeOk(EVT, 'charge.refunded', {
    effect: 'refunded', provider_ref: 'pi_3QfixtureRefundedIntent', refunded_total_cents: 1000, currency: 'gbp',
  }, { livemode: true }),
});
stripeSigned('charge_refunded_no_payment_intent', {
  body: pretty(stripeEvent('charge.refunded', charge({ payment_intent: null }))),
  expect: stripeOk(EVT, 'charge.refunded', { effect: 'ignored', reason: 'no_payment_ref' }),
});
// Monthly gifts, in the shapes of API versions since 2025-03-31 (an invoice names its
// subscription under parent.subscription_details and no longer its payment_intent).
const subMeta = { pledge_id: 'pl_01JFIXTUREPLEDGE', campaign: 'spring-2026' };
function invoice(extra = {}) {
  return {
    id: 'in_1QfixtureInvoice0002',
    object: 'invoice',
    amount_due: 5000,
    amount_paid: 5000,
    billing_reason: 'subscription_cycle',
    currency: 'usd',
    customer: 'cus_fixture',
    customer_email: 'donor@example.org',
    customer_name: 'Jane Donor',
    livemode: false,
    parent: { type: 'subscription_details', quote_details: null,
      subscription_details: { metadata: subMeta, subscription: 'sub_1QfixtureSubscription' } },
    status: 'paid',
    ...extra,
  };
}
stripeSigned('completed_subscription', {
  body: pretty(stripeEvent('checkout.session.completed', session({
    mode: 'subscription', payment_intent: null, invoice: 'in_1QfixtureInvoice0001', subscription: 'sub_1QfixtureSubscription',
  }))),
  expect: stripeOk(EVT, 'checkout.session.completed', {
    ...paidUsd, provider_ref: null, invoice: 'in_1QfixtureInvoice0001', subscription: 'sub_1QfixtureSubscription',
  }),
});
stripeSigned('invoice_paid', {
  body: pretty(stripeEvent('invoice.paid', invoice())),
  expect: stripeOk(EVT, 'invoice.paid', {
    effect: 'paid', pledge_id: 'pl_01JFIXTUREPLEDGE', amount_cents: 5000, currency: 'usd', provider_ref: null,
    invoice: 'in_1QfixtureInvoice0002', subscription: 'sub_1QfixtureSubscription', campaign: 'spring-2026', session_id: null,
  }),
});
stripeSigned('invoice_paid_not_a_subscription', {
  body: pretty(stripeEvent('invoice.paid', invoice({ parent: null, amount_paid: 900 }))),
  expect: stripeOk(EVT, 'invoice.paid', {
    effect: 'paid', pledge_id: null, amount_cents: 900, currency: 'usd', provider_ref: null,
    invoice: 'in_1QfixtureInvoice0002', subscription: null, campaign: null, session_id: null,
  }),
});
stripeSigned('invoice_payment_paid', {
  body: pretty(stripeEvent('invoice_payment.paid', {
    id: 'inpay_1QfixtureInvoicePayment', object: 'invoice_payment', amount_paid: 5000, amount_requested: 5000,
    currency: 'usd', invoice: 'in_1QfixtureInvoice0002', is_default: true, livemode: false,
    payment: { type: 'payment_intent', payment_intent: 'pi_3QfixtureMonthIntent' }, status: 'paid',
  })),
  expect: stripeOk(EVT, 'invoice_payment.paid', {
    effect: 'invoice_paid_by', invoice: 'in_1QfixtureInvoice0002', payment_intent: 'pi_3QfixtureMonthIntent',
  }),
});
stripeSigned('invoice_payment_failed', {
  body: pretty(stripeEvent('invoice.payment_failed', invoice({ amount_paid: 0, status: 'open', attempt_count: 1 }))),
  expect: stripeOk(EVT, 'invoice.payment_failed', {
    effect: 'renewal_failed', pledge_id: 'pl_01JFIXTUREPLEDGE', invoice: 'in_1QfixtureInvoice0002',
  }),
});
stripeSigned('subscription_deleted', {
  body: pretty(stripeEvent('customer.subscription.deleted', {
    id: 'sub_1QfixtureSubscription', object: 'subscription', customer: 'cus_fixture', metadata: subMeta,
    status: 'canceled', cancellation_details: { comment: null, feedback: null, reason: 'cancellation_requested' },
  })),
  expect: stripeOk(EVT, 'customer.subscription.deleted', {
    effect: 'subscription_ended', pledge_id: 'pl_01JFIXTUREPLEDGE', subscription: 'sub_1QfixtureSubscription',
  }),
});
function dispute(extra = {}) {
  return {
    id: 'dp_1QfixtureDispute', object: 'dispute', amount: 5000, charge: 'ch_3QfixtureCharge', currency: 'usd',
    evidence: { customer_email_address: 'donor@example.org', customer_name: 'Jane Donor' },
    livemode: false, payment_intent: 'pi_3QfixtureMonthIntent', reason: 'fraudulent', status: 'needs_response',
    ...extra,
  };
}
stripeSigned('dispute_created', {
  body: pretty(stripeEvent('charge.dispute.created', dispute())),
  expect: stripeOk(EVT, 'charge.dispute.created', {
    effect: 'dispute_opened', provider_ref: 'pi_3QfixtureMonthIntent', amount_cents: 5000, currency: 'usd',
  }),
});
stripeSigned('dispute_lost', {
  body: pretty(stripeEvent('charge.dispute.closed', dispute({ status: 'lost' }))),
  expect: stripeOk(EVT, 'charge.dispute.closed', {
    effect: 'dispute_lost', provider_ref: 'pi_3QfixtureMonthIntent', amount_cents: 5000, currency: 'usd',
  }),
});
stripeSigned('dispute_won', {
  body: pretty(stripeEvent('charge.dispute.closed', dispute({ status: 'won' }))),
  expect: stripeOk(EVT, 'charge.dispute.closed', { effect: 'ignored', reason: 'dispute_not_lost' }),
});

// The donor's own currency (#28 §1, Adaptive Pricing; API 2025-03-31.basil on): the session's
// amount and currency stay US cents, what the donor saw is in `presentment_details`. A refund
// and a dispute of such a payment are in the charge's currency, US cents too (the ledger's).
const EUR_SHOWN = { presentment_amount: 4620, presentment_currency: 'eur' };
stripeSigned('paid_presented_eur', {
  body: pretty(stripeEvent('checkout.session.completed', session({ adaptive_pricing: { enabled: true }, presentment_details: EUR_SHOWN }))),
  expect: stripeOk(EVT, 'checkout.session.completed', { ...paidUsd, presentment: { currency: 'eur', amount: 4620 } }),
});
// Not three lowercase letters, or not a whole amount: no presentment, and the payment counts.
for (const [name, shown] of [
  ['upper', { presentment_amount: 4620, presentment_currency: 'EUR' }],
  ['fraction', { presentment_amount: 46.2, presentment_currency: 'eur' }],
  ['string_amount', { presentment_amount: '4620', presentment_currency: 'eur' }],
]) {
  stripeSigned(`paid_presented_${name}`, {
    body: pretty(stripeEvent('checkout.session.completed', session({ presentment_details: shown }))),
    expect: paidOk,
  });
}
stripeSigned('refund_presented_eur', {
  body: pretty(stripeEvent('charge.refunded', charge({
    currency: 'usd', amount: 5000, amount_captured: 5000, amount_refunded: 5000, refunded: true,
    payment_intent: 'pi_3QfixturePaymentIntent', presentment_details: EUR_SHOWN,
  }))),
  expect: stripeOk(EVT, 'charge.refunded', {
    effect: 'refunded', provider_ref: 'pi_3QfixturePaymentIntent', refunded_total_cents: 5000, currency: 'usd',
  }),
});
stripeSigned('dispute_lost_presented_eur', {
  body: pretty(stripeEvent('charge.dispute.closed', dispute({ status: 'lost', payment_intent: 'pi_3QfixturePaymentIntent' }))),
  expect: stripeOk(EVT, 'charge.dispute.closed', {
    effect: 'dispute_lost', provider_ref: 'pi_3QfixturePaymentIntent', amount_cents: 5000, currency: 'usd',
  }),
});
// The object of an unhandled type is never read, whatever its shape.
stripeSigned('other_type', {
  body: pretty(stripeEvent('customer.created', { id: 'cus_fixture', object: 'customer', amount_total: 'n/a', currency: 7, metadata: { campaign: 1 } })),
  expect: stripeOk(EVT, 'customer.created', { effect: 'ignored', reason: 'unhandled_type' }),
});
stripeSigned('payment_intent_succeeded', {
  body: pretty(stripeEvent('payment_intent.succeeded', { id: 'pi_3QfixturePaymentIntent', object: 'payment_intent', amount: 5000, currency: 'usd' })),
  expect: stripeOk(EVT, 'payment_intent.succeeded', { effect: 'ignored', reason: 'unhandled_type' }),
});
const id255 = 'evt_' + 'x'.repeat(251);
stripeSigned('id_255_bytes', {
  body: pretty(stripeEvent('checkout.session.completed', session(), { id: id255 })),
  expect: stripeOk(id255, 'checkout.session.completed', paidUsd),
});

// malformed bodies behind valid signatures
const malformed = (name, body) => stripeSigned(name, { body, expect: err('MalformedBody') });
const withoutKey = (obj, key) => Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key));
malformed('body_not_json', '{"id": "evt_1", "type": "checkout.session.completed",');
malformed('body_empty', '');
malformed('body_array', '[]');
malformed('body_missing_id', pretty(withoutKey(stripeEvent('checkout.session.completed', session()), 'id')));
malformed('body_empty_id', pretty(stripeEvent('checkout.session.completed', session(), { id: '' })));
malformed('body_id_256_bytes', pretty(stripeEvent('checkout.session.completed', session(), { id: 'evt_' + 'x'.repeat(252) })));
malformed('body_livemode_string', pretty(stripeEvent('checkout.session.completed', session(), { livemode: 'false' })));
malformed('body_missing_created', pretty(withoutKey(stripeEvent('checkout.session.completed', session()), 'created')));
// two ids: a parser that kept the first and one that kept the last would disagree
malformed('body_duplicate_key', paidBody.replace(`"id": "${EVT}",`, `"id": "${EVT}",\n  "id": "evt_1QfixtureOther",`));
malformed('body_null_amount', pretty(stripeEvent('checkout.session.completed', session({ amount_total: null }))));
malformed('body_bad_currency', pretty(stripeEvent('checkout.session.completed', session({ currency: 'dollars' }))));
malformed('body_empty_pledge_id', pretty(stripeEvent('checkout.session.completed', session({ client_reference_id: '' }))));
malformed('body_pledge_id_256_bytes', pretty(stripeEvent('checkout.session.completed', session({ client_reference_id: 'p'.repeat(256) }))));
malformed('body_session_without_object', pretty({ ...stripeEvent('checkout.session.completed', null), data: {} }));

// Amounts a signed event may carry that can never be counted: still events (the ledger flags
// them and the worker answers 200, so Stripe does not retry for days). A whole number within
// ±2^53 is kept as written; anything else (a fraction, an exponent, beyond 2^53) is null.
// Numbers beyond 2^53 cannot pass through a JS number, so their digits are spliced as text.
const amountCase = (name, literal, want) => {
  const body = pretty(stripeEvent('checkout.session.completed', session({ amount_total: 424242 }))).replace('"amount_total": 424242', `"amount_total": ${literal}`);
  stripeSigned(name, { body, expect: stripeOk(EVT, 'checkout.session.completed', { ...paidUsd, amount_cents: want }) });
};
amountCase('amount_negative', '-5000', -5000);
amountCase('amount_zero', '0', 0);
amountCase('amount_fractional', '50.5', null);
amountCase('amount_exponent', '5e3', null);
amountCase('amount_two_to_the_53', '9007199254740992', 9007199254740992);
amountCase('amount_beyond_two_to_the_53', '9007199254740993', null);
amountCase('amount_five_e18', '5000000000000000000', null);
amountCase('amount_beyond_u64', '100000000000000000000', null);
stripeSigned('refund_negative', {
  body: pretty(stripeEvent('charge.refunded', charge({ amount_refunded: -1 }))),
  expect: stripeOk(EVT, 'charge.refunded', { effect: 'refunded', provider_ref: 'pi_3QfixtureRefundedIntent', refunded_total_cents: -1, currency: 'gbp' }),
});

// ---- Standard Webhooks ------------------------------------------------------------------------

const key = (label) => createHash('sha256').update(label).digest('base64');
const WA = `whsec_${key('fixture standard secret A')}`;
const WB = `whsec_${key('fixture standard secret B')}`;
const WX = `whsec_${key('fixture standard secret never configured')}`;
const MSG = 'msg_2fixtureDeliveryId0001';

const stdSign = (secret, id, t, body) => new Webhook(secret).sign(id, new Date(t * 1000), body);
const b64Of = (sig) => sig.slice('v1,'.length);

function standardCase(name, { secrets = WA, headers, body, now = T, expect }) {
  cases.push({ name: `standard/${name}`, scheme: 'standard', secrets, headers, body, now, signed_by: STANDARD_PKG, expect });
}
const stdHeaders = (id, t, signature) => {
  const h = {};
  if (id !== undefined) h['webhook-id'] = id;
  if (t !== undefined) h['webhook-timestamp'] = String(t);
  if (signature !== undefined) h['webhook-signature'] = signature;
  return h;
};
function standardSigned(name, { secret = WA, secrets, id = MSG, t = T, body = stdPaidBody, now = T, expect }) {
  standardCase(name, { secrets: secrets ?? secret, headers: stdHeaders(id, t, stdSign(secret, id, t, body)), body, now, expect });
}

const pledgeEvent = (type, data) => JSON.stringify({ type, data });
const stdPaidBody = pledgeEvent('pledge.paid', { pledge_id: 'pl_01JFIXTUREPLEDGE', amount_cents: 2500, currency: 'usd', provider_ref: 'sandbox_pay_0001' });
const stdOk = (kind, effect, id = MSG) => ({ event: { scheme: 'standard', id, kind, livemode: null, created: null, effect } });
const stdPaid = {
  effect: 'paid', pledge_id: 'pl_01JFIXTUREPLEDGE', amount_cents: 2500, currency: 'usd',
  provider_ref: 'sandbox_pay_0001', invoice: null, subscription: null, campaign: null, session_id: null,
};
const stdPaidOk = stdOk('pledge.paid', stdPaid);

const stdGood = stdSign(WA, MSG, T, stdPaidBody);
const stdOther = stdSign(WX, MSG, T, stdPaidBody);
const stdRotated = stdSign(WB, MSG, T, stdPaidBody);

// verification
standardSigned('paid', { expect: stdPaidOk });
standardSigned('secret_without_prefix', { secret: WA.slice('whsec_'.length), expect: stdPaidOk });
standardSigned('rotation_second_secret', { secret: WB, secrets: `${WA}, ${WB}`, expect: stdPaidOk });
standardCase('several_signatures_one_matches', { headers: stdHeaders(MSG, T, `${stdOther} ${stdRotated} ${stdGood}`), body: stdPaidBody, expect: stdPaidOk });
standardCase('several_signatures_none_match', { headers: stdHeaders(MSG, T, `${stdOther} ${stdRotated}`), body: stdPaidBody, expect: err('NoMatchingSignature') });
// a correct MAC under another version label is not accepted; v1a is the asymmetric scheme
standardCase('non_v1_ignored', {
  headers: stdHeaders(MSG, T, `v1a,${b64Of(stdOther)} v2,${b64Of(stdGood)} ${stdGood}`), body: stdPaidBody, expect: stdPaidOk,
});
standardCase('signature_only_non_v1', { headers: stdHeaders(MSG, T, `v1a,${b64Of(stdGood)} v2,${b64Of(stdGood)}`), body: stdPaidBody, expect: err('MalformedHeader') });
standardCase('bad_base64_entry_skipped', { headers: stdHeaders(MSG, T, `v1,%%%notbase64%%% v1,${b64Of(stdGood)}AAAA ${stdGood}`), body: stdPaidBody, expect: stdPaidOk });
standardSigned('tolerance_now_plus_300', { now: T + 300, expect: stdPaidOk });
standardSigned('tolerance_now_minus_300', { now: T - 300, expect: stdPaidOk });
standardSigned('tolerance_now_plus_301', { now: T + 301, expect: err('TimestampOutOfTolerance') });
standardSigned('tolerance_now_minus_301', { now: T - 301, expect: err('TimestampOutOfTolerance') });
standardCase('tampered_body', { headers: stdHeaders(MSG, T, stdGood), body: stdPaidBody.replace('2500', '250000'), expect: err('NoMatchingSignature') });
standardCase('tampered_id', { headers: stdHeaders('msg_2fixtureDeliveryId0002', T, stdGood), body: stdPaidBody, expect: err('NoMatchingSignature') });
standardCase('tampered_timestamp', { headers: stdHeaders(MSG, T + 1, stdGood), body: stdPaidBody, expect: err('NoMatchingSignature') });
standardSigned('wrong_secret', { secret: WX, secrets: WA, expect: err('NoMatchingSignature') });
standardCase('missing_id', { headers: stdHeaders(undefined, T, stdGood), body: stdPaidBody, expect: err('MissingHeader') });
standardCase('missing_timestamp', { headers: stdHeaders(MSG, undefined, stdGood), body: stdPaidBody, expect: err('MissingHeader') });
standardCase('missing_signature', { headers: stdHeaders(MSG, T, undefined), body: stdPaidBody, expect: err('MissingHeader') });
standardCase('signature_empty', { headers: stdHeaders(MSG, T, ''), body: stdPaidBody, expect: err('MalformedHeader') });
standardCase('signature_garbage', { headers: stdHeaders(MSG, T, 'garbage'), body: stdPaidBody, expect: err('MalformedHeader') });
standardCase('timestamp_non_numeric', { headers: stdHeaders(MSG, 'soon', stdGood), body: stdPaidBody, expect: err('MalformedHeader') });
standardCase('timestamp_fractional', { headers: stdHeaders(MSG, `${T}.5`, stdGood), body: stdPaidBody, expect: err('MalformedHeader') });
standardCase('id_empty', { headers: stdHeaders('', T, stdGood), body: stdPaidBody, expect: err('MalformedHeader') });
standardSigned('no_secret', { secrets: ' , ', expect: err('NoSecretConfigured') });
standardSigned('bad_secret', { secrets: 'whsec_this is not base64!', expect: err('BadSecret') });
// one broken secret breaks the setting, even if another would match
standardSigned('bad_secret_beside_good', { secrets: `${WA}, whsec_%%%`, expect: err('BadSecret') });
standardSigned('empty_secret', { secrets: 'whsec_', expect: err('BadSecret') });

// events
standardSigned('paid_without_pledge_id', {
  body: pledgeEvent('pledge.paid', { amount_cents: 1000, currency: 'USD', provider_ref: 'sandbox_pay_0002' }),
  expect: stdOk('pledge.paid', { ...stdPaid, pledge_id: null, amount_cents: 1000, provider_ref: 'sandbox_pay_0002' }),
});
standardSigned('refunded_eur', {
  body: pledgeEvent('pledge.refunded', { pledge_id: 'pl_01JFIXTUREPLEDGE', amount_cents: 750, currency: 'eur', provider_ref: 'sandbox_pay_0001' }),
  expect: stdOk('pledge.refunded', { effect: 'refunded', provider_ref: 'sandbox_pay_0001', refunded_total_cents: 750, currency: 'eur' }),
});
standardSigned('other_type', {
  body: JSON.stringify({ type: 'pledge.noted', data: { note: 'thanks', amount_cents: 'lots' } }),
  expect: stdOk('pledge.noted', { effect: 'ignored', reason: 'unhandled_type' }),
});
standardSigned('refund_negative_amount', {
  body: pledgeEvent('pledge.refunded', { amount_cents: -750, currency: 'eur', provider_ref: 'sandbox_pay_0001' }),
  expect: stdOk('pledge.refunded', { effect: 'refunded', provider_ref: 'sandbox_pay_0001', refunded_total_cents: -750, currency: 'eur' }),
});
standardSigned('paid_huge_amount', {
  body: pledgeEvent('pledge.paid', { pledge_id: 'pl_01JFIXTUREPLEDGE', amount_cents: 424242, currency: 'usd', provider_ref: 'sandbox_pay_0001' }).replace('424242', '5000000000000000000'),
  expect: stdOk('pledge.paid', { ...stdPaid, amount_cents: null }),
});
const msg255 = 'msg_' + 'y'.repeat(251);
standardSigned('id_255_bytes', { id: msg255, expect: stdOk('pledge.paid', stdPaid, msg255) });
standardSigned('id_256_bytes', { id: 'msg_' + 'y'.repeat(252), expect: err('MalformedBody') });

const stdMalformed = (name, body) => standardSigned(name, { body, expect: err('MalformedBody') });
stdMalformed('body_not_json', 'pledge.paid 2500 usd');
stdMalformed('body_missing_type', JSON.stringify({ data: { amount_cents: 2500, currency: 'usd', provider_ref: 'sandbox_pay_0001' } }));
stdMalformed('body_missing_provider_ref', pledgeEvent('pledge.paid', { pledge_id: 'pl_1', amount_cents: 2500, currency: 'usd' }));
stdMalformed('body_string_amount', pledgeEvent('pledge.paid', { amount_cents: '2500', currency: 'usd', provider_ref: 'sandbox_pay_0001' }));
stdMalformed('body_bad_currency', pledgeEvent('pledge.paid', { amount_cents: 2500, currency: 'US Dollar', provider_ref: 'sandbox_pay_0001' }));
stdMalformed('body_empty_pledge_id', pledgeEvent('pledge.paid', { pledge_id: '', amount_cents: 2500, currency: 'usd', provider_ref: 'sandbox_pay_0001' }));

// ---------------------------------------------------------------------------------------------

const names = new Set();
for (const c of cases) {
  if (names.has(c.name)) throw new Error(`duplicate case ${c.name}`);
  names.add(c.name);
}
writeFileSync(out, JSON.stringify(cases, null, 2) + '\n');
console.log(`wrote ${cases.length} cases to ${out}`);
