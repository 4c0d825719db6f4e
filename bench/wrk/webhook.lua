-- wrk script for the webhook case of `make bench`: sends pre-signed Stripe deliveries, each
-- once, in order. bench/bench.mjs writes them to the file named by BENCH_WEBHOOKS, two lines a
-- delivery: the Stripe-Signature header, then the JSON body (compact, one line).
-- If wrk runs out of deliveries it starts over; the worker answers those as duplicates and
-- bench.mjs counts only the events D1 really stored.

local reqs = {}
local i = 0

function init(args)
  local path = os.getenv("BENCH_WEBHOOKS")
  local f = assert(io.open(path, "r"))
  while true do
    local sig = f:read("*l")
    local body = f:read("*l")
    if not sig or not body then break end
    reqs[#reqs + 1] = wrk.format("POST", "/webhooks/stripe",
      { ["Content-Type"] = "application/json", ["Stripe-Signature"] = sig }, body)
  end
  f:close()
end

function request()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[i]
end
