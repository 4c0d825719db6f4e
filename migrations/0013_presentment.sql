-- The donor's own currency (#28 §1, Stripe's Adaptive Pricing): what a payment was shown and
-- paid in, beside its US cents. Never summed: the ledger stays in `amount_cents` and `currency`.
-- Both or neither; a code is three lowercase letters, an amount a whole number of that
-- currency's minor units (app::giving::Presentment checks the same before writing).
ALTER TABLE payments ADD COLUMN presented_currency TEXT
  CHECK (presented_currency IS NULL OR (length(presented_currency) = 3 AND presented_currency GLOB '[a-z][a-z][a-z]'));
ALTER TABLE payments ADD COLUMN presented_amount INTEGER
  CHECK (presented_amount IS NULL OR (typeof(presented_amount) = 'integer' AND presented_amount >= 0));
