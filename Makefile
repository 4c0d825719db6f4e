# The two commands of the README: `make dev` and `make test`. Everything else is a step of theirs.
.PHONY: dev test build setup test-setup lint unit integration bench deploy clean

PORT ?= 8787
export CAMPAIGN_ROOT := $(CURDIR)
DEV_STATE := .wrangler/state

# One site on one port: the site's worker (wrangler.toml) first, the office's beside it, reached
# through the site's binding (README, "Two workers"). wrangler builds both first (the site's
# [build] command is scripts/build.sh) and again on every change to the sources.
dev: setup
	sh scripts/db.sh $(DEV_STATE) --seed
	. scripts/env.sh && wrangler dev -c wrangler.toml -c wrangler.office.toml --ip 127.0.0.1 --port $(PORT) --persist-to $(DEV_STATE) --test-scheduled --show-interactive-dev-session=false

setup:
	sh scripts/setup.sh

test-setup:
	sh scripts/setup.sh --test

build: setup
	sh scripts/build.sh

# The lint gate first (seconds, before anything slow), then unit tests (native), then
# integration and browser tests against the built worker in workerd.
test: test-setup lint
	sh scripts/build.sh
	cargo test --workspace --no-fail-fast

# Formatting and clippy with warnings as errors, natively and for the worker's wasm target.
# The few lints allowed are listed once, in the workspace Cargo.toml ([workspace.lints]).
lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p campaign-edge -p campaign-site -p campaign-office --target wasm32-unknown-unknown -- -D warnings

bench: setup
	sh scripts/build.sh
	sh bench/run.sh

# Both workers, the office's first (the site's binds to it): README, "Deploy".
deploy: setup
	sh scripts/build.sh
	. scripts/env.sh && wrangler deploy -c wrangler.office.toml && wrangler deploy -c wrangler.toml

clean:
	rm -rf build target .wrangler tests/artifacts
