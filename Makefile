# The two commands of the README: `make dev` and `make test`. Everything else is a step of theirs.
.PHONY: dev test build setup test-setup lint unit integration bench deploy clean

PORT ?= 8787
export CAMPAIGN_ROOT := $(CURDIR)
DEV_STATE := .wrangler/state

# One site on one port: the site's worker (wrangler.toml) first, the office's beside it, reached
# through the site's binding (README, "Two workers", "make dev"). scripts/db.sh migrates the
# local D1 only when migrations/ changed; scripts/dev.sh starts wrangler, which runs each
# config's [build] command (scripts/build.sh site / office) at start and again on every change
# to the sources, in the quicker wasm-dev profile (a build with nothing changed is a no-op
# cargo run and a matching stamp), and prints what to do next once the port answers.
dev: setup
	sh scripts/db.sh $(DEV_STATE) --seed
	PORT=$(PORT) DEV_STATE=$(DEV_STATE) sh scripts/dev.sh

setup:
	sh scripts/setup.sh

test-setup:
	sh scripts/setup.sh --test

# Both workers, release (what tests, the bench and deploys run); skips worker-build for a
# worker whose wasm is unchanged (scripts/build.sh).
build: setup
	CAMPAIGN_PROFILE=release sh scripts/build.sh

# The lint gate first (seconds, before anything slow), then unit tests (native), then
# integration and browser tests against the built worker in workerd.
test: test-setup lint
	CAMPAIGN_PROFILE=release sh scripts/build.sh
	cargo test --workspace --no-fail-fast

# Formatting and clippy with warnings as errors, natively and for the worker's wasm target.
# The few lints allowed are listed once, in the workspace Cargo.toml ([workspace.lints]).
lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p campaign-edge -p campaign-site -p campaign-office --target wasm32-unknown-unknown -- -D warnings

bench: setup
	CAMPAIGN_PROFILE=release sh scripts/build.sh
	sh bench/run.sh

# Both workers, the office's first (the site's binds to it): README, "Deploy". First the
# configs' check (scripts/deploy-check.sh: a real database_id, CHECKOUT and SITE_URL under
# [vars]; it refuses before anything is built or sent), then both release builds, so that a
# worker that does not compile stops the deploy before either goes out. Each `wrangler deploy`
# runs its config's [build] again: a no-op then.
deploy:
	sh scripts/deploy-check.sh
	sh scripts/setup.sh
	CAMPAIGN_PROFILE=release sh scripts/build.sh
	. scripts/env.sh && export CAMPAIGN_PROFILE=release && wrangler deploy -c wrangler.office.toml && wrangler deploy -c wrangler.toml

clean:
	rm -rf build target .wrangler tests/artifacts
