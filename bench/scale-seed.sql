-- The scale case's data (`make bench`, bench/README.md "Scale case"): a campaign that did well.
-- 100,000 payments with their pledges and 20,000 comments, made by SQLite itself (recursive
-- CTEs, no randomness: every run seeds the same rows), on top of the schema that migrations
-- 0001..0015 leave (schema.sql as it stands) and dev/seed.sql. Invented; no personal data
-- (names from a short list, addresses at example.org).
--
--   payments  70,000 one-off gifts (70,000 pledges): the five tiers and own amounts, designated
--             to a tier or 'general'; 2 % wholly taken back (1.8 % refunds, 0.2 % lost disputes),
--             1 % half refunded, 14 in euros (flagged, never counted), 35 external gifts
--             (scheme 'standard'), a quarter presented in riel; 30 % show the donor's name.
--             30,000 paid months of 5,200 monthly gifts (1 to 11 months each; a fifth stopped),
--             about 100 months refunded; each month with its invoice's PaymentIntent.
--   pledges   besides those, 10,000 never paid: expired, failed, a few pending.
--   webhook_events  one per payment, refund and dispute, as the ledger records them.
--   comments  8,000 threads and 12,000 replies (0 to about 6 a thread), a third in Khmer: most
--             approved, some held for moderation, some removed by their authors (placeholders
--             while an approved reply hangs under them), a few spam; one reply in eight from
--             the campaign.
--
-- The bench applies it after migrations up to 0015_funnel.sql (the schema it is written for)
-- and before any later one, so that a later migration carries these rows forward as it does
-- a live database's. By hand, into `make dev`'s local D1 (schema at 0015 or later; figures a
-- later migration keeps will not count these rows):
--   npx wrangler d1 execute DB --local --file bench/scale-seed.sql
-- Times: 2026-01-01 (1767225600) to 2026-11-26 (1795737600), Unix seconds.

-- One-off gifts, paid: pledge i of 70,000. h1 (i*761 % 1000) chooses what happened to the money,
-- h2 (i*7919 % 997) the tier, h3 (i*104729 % 991) the designation and whether the name shows.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 70000),
k AS (
  SELECT i, (i * 761) % 1000 AS h1, (i * 7919) % 997 AS h2, (i * 104729) % 991 AS h3,
         CASE WHEN i % 2000 = 3 THEN 'external' ELSE 'site' END AS origin,
         1767225600 + i * 407 AS at
  FROM n
),
t AS (
  SELECT k.*,
         CASE WHEN h2 < 300 THEN 'women-training' WHEN h2 < 430 THEN 'women-radio'
              WHEN h2 < 520 THEN 'trainer-month' WHEN h2 < 610 THEN 'community-meeting'
              WHEN h2 < 650 THEN 'information-year' END AS tier
  FROM k
)
INSERT INTO pledges (id, status, frequency, amount_cents, currency, tier, designation, name, email,
                     show_name, note, lang, origin, created_at, paid_at, attested_at,
                     checkout_session_id, source)
SELECT printf('5c%030d', i),
       CASE WHEN h1 < 20 AND origin = 'site' THEN 'refunded' ELSE 'paid' END,
       'once',
       CASE WHEN tier = 'information-year' THEN 35000 WHEN tier IS NOT NULL THEN 5000
            ELSE json_extract('[1000,2000,2500,7500,10000,25000,100000]', '$[' || (i % 7) || ']') END,
       'usd',
       CASE WHEN origin = 'site' THEN tier END,
       CASE WHEN origin = 'external' OR h3 < 120 THEN 'general'
            WHEN tier IS NOT NULL THEN tier
            ELSE json_extract('["women-training","women-radio","trainer-month","community-meeting","information-year","general"]', '$[' || (h3 % 6) || ']') END,
       CASE WHEN origin = 'site' THEN
         json_extract('["Sokha","Dara","Srey Mom","Vanna","Chenda","Bopha","Rithy","Maly","Anna","Jean","Thida","Kosal"]', '$[' || (i % 12) || ']')
         || ' ' || substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1 + i % 26, 1) || '.' END,
       CASE WHEN origin = 'site' THEN 'donor' || i || '@example.org' END,
       CASE WHEN origin = 'site' AND h3 % 10 < 3 THEN 1 ELSE 0 END,
       CASE WHEN i % 50 = 0 THEN 'For the women of Kampong Cham' END,
       CASE WHEN i % 3 = 0 THEN 'km' ELSE 'en' END,
       origin,
       at,
       at + 60 + i % 600,
       CASE WHEN origin = 'site' THEN at END,
       CASE WHEN origin = 'site' THEN 'cs_seed_' || i END,
       CASE i % 20 WHEN 0 THEN 'fb-post' WHEN 1 THEN 'radio' END
FROM t;

-- Their payments: the whole gift, less what was taken back.
WITH p AS (SELECT *, CAST(substr(id, 3) AS INTEGER) AS i FROM pledges WHERE id LIKE '5c%'),
q AS (SELECT *, (i * 761) % 1000 AS h1, i % 5000 = 17 AS eur FROM p)
INSERT INTO payments (scheme, ref, pledge_id, amount_cents, currency, refunded_cents, payment_intent,
                      flag, paid_at, presented_currency, presented_amount)
SELECT CASE WHEN origin = 'external' THEN 'standard' ELSE 'stripe' END,
       CASE WHEN origin = 'external' THEN 'ext-seed-' || i ELSE 'pi_seed_' || i END,
       id, amount_cents,
       CASE WHEN eur THEN 'eur' ELSE 'usd' END,
       CASE WHEN origin = 'external' THEN 0 WHEN h1 < 20 THEN amount_cents WHEN h1 < 30 THEN amount_cents / 2 ELSE 0 END,
       CASE WHEN origin = 'site' THEN 'pi_seed_' || i END,
       CASE WHEN eur THEN 'currency' END,
       paid_at,
       CASE WHEN i % 4 = 1 AND origin = 'site' THEN 'khr' END,
       CASE WHEN i % 4 = 1 AND origin = 'site' THEN amount_cents * 41 END
FROM q;

-- What took money back: refunds (whole or half) and lost disputes, by PaymentIntent.
INSERT INTO refunds (scheme, provider_ref, refunded_cents, currency, updated_at, lost_cents)
SELECT scheme, payment_intent,
       CASE WHEN (CAST(substr(pledge_id, 3) AS INTEGER) * 761) % 1000 < 2 THEN 0 ELSE refunded_cents END,
       currency, paid_at + 432000,
       CASE WHEN (CAST(substr(pledge_id, 3) AS INTEGER) * 761) % 1000 < 2 THEN refunded_cents ELSE 0 END
FROM payments WHERE pledge_id LIKE '5c%' AND refunded_cents > 0 AND payment_intent IS NOT NULL;

-- Monthly gifts: pledge j of 5,200, m_j = 1 + (j*7 % 11) months from its first payment, the
-- last in the week before 2026-11-26; one in five stopped after its last month.
WITH RECURSIVE n(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM n WHERE j < 5200),
k AS (SELECT j, 1 + (j * 7) % 11 AS months, (j * 104729) % 991 AS h3 FROM n),
s AS (SELECT k.*, 1795737600 - months * 2592000 + (j * 3571) % 2000000 AS start FROM k)
INSERT INTO pledges (id, status, frequency, amount_cents, currency, tier, designation, name, email,
                     show_name, lang, subscription_id, created_at, paid_at, ended_at, attested_at,
                     checkout_session_id, source)
SELECT printf('5d%030d', j),
       CASE WHEN j % 5 = 0 THEN 'cancelled' ELSE 'active' END,
       'month',
       json_extract('[1000,2500,5000,5000]', '$[' || (j % 4) || ']'),
       'usd',
       CASE j % 4 WHEN 2 THEN 'women-training' WHEN 3 THEN 'women-radio' END,
       CASE WHEN h3 < 150 THEN 'general' WHEN j % 4 = 2 THEN 'women-training' WHEN j % 4 = 3 THEN 'women-radio'
            ELSE json_extract('["trainer-month","community-meeting","general"]', '$[' || (h3 % 3) || ']') END,
       json_extract('["Sophea","Piseth","Leakhena","Kimheng","Mary","Sreyneang","Nary","Tom"]', '$[' || (j % 8) || ']')
         || ' ' || substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1 + j % 26, 1) || '.',
       'monthly' || j || '@example.org',
       CASE WHEN h3 % 10 < 4 THEN 1 ELSE 0 END,
       CASE WHEN j % 3 = 0 THEN 'km' ELSE 'en' END,
       'sub_seed_' || j,
       start - 120,
       start,
       CASE WHEN j % 5 = 0 THEN start + (months - 1) * 2592000 + 864000 END,
       start - 120,
       'cs_seedm_' || j,
       CASE WHEN j % 10 = 0 THEN 'radio' END
FROM s;

-- Their paid months, first months first, 30,000 in all (the last months of a few gifts are
-- left out); one in about 300 refunded.
WITH RECURSIVE m(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM m WHERE m < 11),
p AS (SELECT *, CAST(substr(id, 3) AS INTEGER) AS j FROM pledges WHERE id LIKE '5d%'),
pm AS (SELECT p.*, m.m FROM p JOIN m ON m.m <= 1 + (p.j * 7) % 11 ORDER BY m.m, p.j LIMIT 30000)
INSERT INTO payments (scheme, ref, pledge_id, amount_cents, currency, refunded_cents, payment_intent,
                      paid_at, presented_currency, presented_amount)
SELECT 'stripe', 'in_seed_' || j || '_' || m, id, amount_cents, 'usd',
       CASE WHEN (j * 13 + m) % 300 = 0 THEN amount_cents ELSE 0 END,
       'pi_seedm_' || j || '_' || m,
       paid_at + (m - 1) * 2592000,
       CASE WHEN j % 4 = 1 THEN 'khr' END,
       CASE WHEN j % 4 = 1 THEN amount_cents * 41 END
FROM pm;

INSERT INTO invoice_payments (invoice, payment_intent, received_at)
SELECT ref, payment_intent, paid_at FROM payments WHERE pledge_id LIKE '5d%';

INSERT INTO refunds (scheme, provider_ref, refunded_cents, currency, updated_at, lost_cents)
SELECT scheme, payment_intent, refunded_cents, currency, paid_at + 259200, 0
FROM payments WHERE pledge_id LIKE '5d%' AND refunded_cents > 0;

-- Never paid: 10,000 one-off pledges, mostly expired (half closed by the site's job), some
-- failed, a few still pending.
WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 10000)
INSERT INTO pledges (id, status, frequency, amount_cents, currency, tier, designation, lang,
                     created_at, attested_at, checkout_session_id, closed_by)
SELECT printf('5e%030d', k),
       CASE WHEN k % 10 < 7 THEN 'expired' WHEN k % 10 < 9 THEN 'failed' ELSE 'pending' END,
       'once', 5000, 'usd', 'women-training', 'women-training',
       CASE WHEN k % 3 = 0 THEN 'km' ELSE 'en' END,
       1767225600 + k * 2851, 1767225600 + k * 2851, 'cs_seedx_' || k,
       CASE WHEN k % 10 < 7 AND k % 2 = 0 THEN 'site' END
FROM n;

-- The events the ledger recorded for all of it.
INSERT INTO webhook_events (scheme, event_id, type, outcome, pledge_id, provider_ref, amount_cents,
                            currency, received_at)
SELECT scheme,
       CASE WHEN pledge_id LIKE '5d%' THEN 'evt_seed_' || ref ELSE 'evt_seed_' || substr(pledge_id, 3) END,
       CASE WHEN scheme = 'standard' THEN 'pledge.paid' WHEN pledge_id LIKE '5d%' THEN 'invoice.paid'
            ELSE 'checkout.session.completed' END,
       CASE WHEN flag = 'currency' THEN 'flagged:currency' ELSE 'applied' END,
       pledge_id, ref, amount_cents, currency, paid_at
FROM payments WHERE pledge_id LIKE '5c%' OR pledge_id LIKE '5d%';

INSERT INTO webhook_events (scheme, event_id, type, outcome, pledge_id, provider_ref, amount_cents,
                            currency, received_at)
SELECT scheme, 'evt_seed_r_' || provider_ref,
       CASE WHEN lost_cents > 0 THEN 'charge.dispute.closed' ELSE 'charge.refunded' END,
       'applied', NULL, provider_ref, refunded_cents + lost_cents, currency, updated_at
FROM refunds WHERE provider_ref LIKE 'pi_seed%';

INSERT INTO webhook_events (scheme, event_id, type, outcome, pledge_id, provider_ref, amount_cents,
                            currency, received_at)
SELECT scheme, 'evt_seed_d_' || provider_ref, 'charge.dispute.created', 'applied', NULL,
       provider_ref, lost_cents, currency, updated_at - 259200
FROM refunds WHERE provider_ref LIKE 'pi_seed%' AND lost_cents > 0;

INSERT INTO webhook_events (scheme, event_id, type, outcome, pledge_id, provider_ref, amount_cents,
                            currency, received_at)
SELECT 'stripe', 'evt_seed_x_' || substr(id, 3), 'checkout.session.expired', 'applied', id,
       checkout_session_id, amount_cents, currency, created_at + 86400
FROM pledges WHERE id LIKE '5e%' AND status = 'expired' AND closed_by IS NULL;

-- Threads: root i of 8,000 (id 1000 + i), oldest first, about an hour apart. h (i*7919 % 997)
-- chooses its state; a removed one is emptied as the site empties it.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000),
k AS (SELECT i, (i * 7919) % 997 AS h, i % 3 = 0 AS km FROM n),
s AS (SELECT k.*, CASE WHEN h < 880 THEN 'approved' WHEN h < 935 THEN 'held' WHEN h < 965 THEN 'removed' ELSE 'spam' END AS status FROM k)
INSERT INTO comments (id, parent_id, thread_id, name, website, body, lang, status, is_campaign,
                      link_count, flagged, created_at)
SELECT 1000 + i, NULL, 1000 + i,
       CASE WHEN status = 'removed' THEN ''
            WHEN km THEN json_extract('["សុខា","ដារា","ចន្ទា","បុប្ផា","រិទ្ធី","ម៉ាលី"]', '$[' || (i % 6) || ']')
            ELSE json_extract('["A supporter","Sokha","A teacher in Takeo","Student visitor","Dara","A mother of three","Jean from Lyon","Vanna"]', '$[' || (i % 8) || ']') END,
       CASE WHEN status <> 'removed' AND i % 10 = 0 THEN 'https://example.org/' || i END,
       CASE WHEN status = 'removed' THEN ''
            WHEN km THEN json_extract('["សូមគោរពជូនលោកជំទាវ! ខ្ញុំចង់ចូលរួមក្នុងសកម្មភាពរបស់លោកជំទាវ។","អរគុណសម្រាប់ការងារដ៏ល្អនេះ។ ស្ត្រីនៅភូមិខ្ញុំត្រូវការការបណ្ដុះបណ្ដាល។","តើខ្ញុំអាចជួយយ៉ាងដូចម្ដេច?"]', '$[' || (i % 3) || ']')
            ELSE json_extract('["I am a simple supporter and want to be an active supporter. How can I help?","We hope to come to Cambodia in the spring for two weeks. Would it be possible to work with you?","Thank you for the radio hours: my mother listens every evening.","I gave last month and will give again. Democracy needs each and every one of us.","Where can I read what the trainings covered?"]', '$[' || (i % 5) || ']')
              || CASE WHEN i % 4 = 0 THEN ' ' || 'The women in our commune met for the first time to choose who would speak for them, and they asked for more meetings like it before the election.' ELSE '' END END,
       CASE WHEN km THEN 'km' ELSE 'en' END,
       status, 0, 0, 0,
       1767225600 + i * 3500
FROM s;

-- Replies: reply r of 12,000 (id 9000 + r) under root 1 + (r*48271 % 8000), within two days
-- of it; one in eight from the campaign.
WITH RECURSIVE n(r) AS (SELECT 1 UNION ALL SELECT r + 1 FROM n WHERE r < 12000),
k AS (SELECT r, 1 + (r * 48271) % 8000 AS root, (r * 6007) % 991 AS h, r % 8 = 0 AS ours FROM n),
s AS (SELECT k.*, root % 3 = 0 AS km,
             CASE WHEN ours OR h < 900 THEN 'approved' WHEN h < 950 THEN 'held' WHEN h < 975 THEN 'removed' ELSE 'spam' END AS status
      FROM k)
INSERT INTO comments (id, parent_id, thread_id, name, website, body, lang, status, is_campaign,
                      link_count, flagged, created_at)
SELECT 9000 + r, 1000 + root, 1000 + root,
       CASE WHEN status = 'removed' THEN '' WHEN ours THEN 'The campaign'
            WHEN km THEN json_extract('["សុភា","ពិសិដ្ឋ","លក្ខិណា","ណារី"]', '$[' || (r % 4) || ']')
            ELSE json_extract('["A reader","Mary","Kosal","A volunteer in Kampot","Tom"]', '$[' || (r % 5) || ']') END,
       NULL,
       CASE WHEN status = 'removed' THEN ''
            WHEN ours AND km THEN 'អរគុណច្រើនសម្រាប់ការគាំទ្រ។ សូមចុះឈ្មោះនៅផ្នែក «ចូលរួម» ហើយយើងនឹងទាក់ទងទៅវិញ។'
            WHEN ours THEN 'Thank you for your support. Please sign up under "Get involved" and we will be in touch.'
            WHEN km THEN json_extract('["ខ្ញុំយល់ស្រប។","អរគុណ!","ខ្ញុំក៏ចង់ចូលរួមដែរ។"]', '$[' || (r % 3) || ']')
            ELSE json_extract('["I agree.","Thank you for asking this.","Same question here: how can we help from abroad?","The report is on the updates page."]', '$[' || (r % 4) || ']') END,
       CASE WHEN km THEN 'km' ELSE 'en' END,
       status, CASE WHEN ours THEN 1 ELSE 0 END, 0, 0,
       1767225600 + root * 3500 + 600 + (r % 96) * 1800
FROM s;
