//! The schema changes only through `migrations/`: applied to an empty D1, the migrations give
//! exactly what `schema.sql` (the readable whole) says, and a database at `0001` holding
//! pledges, events, refunds and threaded comments is migrated to the latest losing nothing.
//! Both through wrangler's own `d1 migrations apply` and a real local D1.

use campaign_tests::{artifacts, d1, last_rows, root};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A folder with a wrangler config whose D1 takes its migrations from `migrations`.
fn place(name: &str, migrations: &Path) -> PathBuf {
    let dir = artifacts().join(format!("schema-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let config = format!(
        "name = \"schema-check\"\nmain = \"{}\"\ncompatibility_date = \"2026-11-01\"\n\n[[d1_databases]]\nbinding = \"DB\"\ndatabase_name = \"campaign\"\ndatabase_id = \"00000000-0000-0000-0000-000000000000\"\nmigrations_dir = \"{}\"\n",
        root().join("build/site/index.js").display(),
        migrations.display()
    );
    std::fs::write(dir.join("wrangler.toml"), config).expect("config");
    dir
}

fn migrate(dir: &Path) {
    d1(dir, &["migrations", "apply"]);
}

fn sql(dir: &Path, sql: &str) -> Vec<Value> {
    last_rows(&d1(dir, &["execute", "--json", "--command", sql]))
}

/// A CREATE statement as SQLite keeps it, without comments, quotes, case or spacing, so that
/// the CHECK constraints and defaults compare by meaning of the text, not its layout.
fn normalise(create: &str) -> String {
    let no_comments: String = create
        .lines()
        .map(|l| l.split("--").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = String::new();
    for word in no_comments
        .replace('"', "")
        .to_lowercase()
        .split_whitespace()
    {
        out.push_str(word);
        out.push(' ');
    }
    for p in ["(", ")", ","] {
        out = out
            .replace(&format!(" {p}"), p)
            .replace(&format!("{p} "), p);
    }
    out.trim().to_string()
}

/// Everything that makes a schema: tables and their CREATE text, columns in order
/// (`pragma_table_xinfo`), indexes and their columns (`index_xinfo`), foreign keys. Wrangler's
/// own tables and SQLite's are left out.
fn describe(dir: &Path) -> Value {
    let ours = "m.name NOT IN ('d1_migrations', 'sqlite_sequence') AND m.name NOT LIKE '_cf_%' AND m.name NOT LIKE 'sqlite_%'";
    let tables = sql(dir, &format!("SELECT m.name, m.sql FROM sqlite_master m WHERE m.type = 'table' AND {ours} ORDER BY m.name"));
    let columns = sql(
        dir,
        &format!(
            "SELECT m.name AS t, c.cid, c.name, c.type, c.\"notnull\", c.dflt_value, c.pk, c.hidden FROM sqlite_master m, pragma_table_xinfo(m.name) c \
             WHERE m.type = 'table' AND {ours} ORDER BY m.name, c.cid"
        ),
    );
    let indexes = sql(
        dir,
        &format!(
            "SELECT m.name AS t, i.name, i.\"unique\", i.origin, i.partial, x.seqno, x.name AS col, x.\"desc\", x.coll, x.key \
             FROM sqlite_master m, pragma_index_list(m.name) i, pragma_index_xinfo(i.name) x \
             WHERE m.type = 'table' AND {ours} ORDER BY m.name, i.name, x.seqno"
        ),
    );
    let fks = sql(
        dir,
        &format!(
            "SELECT m.name AS t, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND {ours} ORDER BY m.name, f.id, f.seq"
        ),
    );
    let tables: Vec<Value> = tables.iter().map(|t| serde_json::json!({"name": t["name"], "sql": normalise(t["sql"].as_str().unwrap_or_default())})).collect();
    serde_json::json!({"tables": tables, "columns": columns, "indexes": indexes, "foreign_keys": fks})
}

#[test]
fn the_migrations_give_exactly_schema_sql() {
    let migrated = place("migrated", &root().join("migrations"));
    migrate(&migrated);
    let written = place("written", &root().join("migrations"));
    d1(
        &written,
        &[
            "execute",
            "--file",
            &root().join("schema.sql").display().to_string(),
        ],
    );
    let (a, b) = (describe(&migrated), describe(&written));
    for part in ["tables", "columns", "indexes", "foreign_keys"] {
        assert_eq!(
            a[part], b[part],
            "{part} differ between migrations/ and schema.sql"
        );
    }
    assert!(
        a["tables"].as_array().is_some_and(|t| t.len() >= 10),
        "{}",
        a["tables"]
    );
    // The readable whole holds no statement that erases a table.
    let text = std::fs::read_to_string(root().join("schema.sql")).unwrap_or_default();
    assert!(
        !text.to_uppercase().contains("DROP "),
        "schema.sql must not drop anything"
    );
}

#[test]
fn the_check_comparison_can_fail() {
    // A CHECK that differs only inside the parentheses is a different schema.
    let a = normalise("CREATE TABLE c (status TEXT CHECK (status IN ('held','approved')))");
    let b = normalise(
        "CREATE TABLE c (\n  status TEXT CHECK (status IN ('held', 'approved')) -- note\n)",
    );
    let c = normalise("CREATE TABLE c (status TEXT CHECK (status IN ('held','approved','spam')))");
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn the_erasures_rebuild_of_0007_keeps_every_row_and_takes_the_new_kinds() {
    // The table as 0002 made it, with rows of both old kinds; then 0007 as it is applied.
    let dir = place("rebuild-0007", &root().join("migrations"));
    let before = sql(
        &dir,
        "CREATE TABLE erasures (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, \
           kind TEXT NOT NULL CHECK (kind IN ('own-comment','email')), pledges INTEGER NOT NULL DEFAULT 0, \
           comments INTEGER NOT NULL DEFAULT 0, volunteers INTEGER NOT NULL DEFAULT 0); \
         INSERT INTO erasures (at, kind, pledges, comments, volunteers) VALUES \
           (10, 'email', 2, 1, 0), (11, 'own-comment', 0, 1, 0), (12, 'email', 0, 0, 3); \
         SELECT * FROM erasures ORDER BY id",
    );
    assert_eq!(before.len(), 3);
    d1(
        &dir,
        &[
            "execute",
            "--file",
            &root()
                .join("migrations/0007_erasure_kinds.sql")
                .display()
                .to_string(),
        ],
    );
    // Every row kept with its id; the new kinds taken, numbered on from the largest id; one
    // table left.
    let after = sql(
        &dir,
        "INSERT INTO erasures (at, kind, pledges) VALUES (13, 'phone', 0), (14, 'pledge', 1), (15, 'own-pledge', 1); \
         SELECT e.*, (SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'erasures%') AS tables \
         FROM erasures e ORDER BY id",
    );
    let kept: Vec<Value> = after[..3]
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if let Some(o) = r.as_object_mut() {
                o.remove("tables");
            }
            r
        })
        .collect();
    assert_eq!(kept, before);
    let ids: Vec<i64> = after.iter().filter_map(|r| r["id"].as_i64()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6]);
    assert_eq!(after[0]["tables"], 1, "the old table is gone");
    // The CHECK still refuses a kind nobody decodes.
    assert!(
        wrangler_refuses(
            &dir,
            "INSERT INTO erasures (at, kind) VALUES (16, 'everything')"
        ),
        "an unknown kind was stored"
    );
}

/// Whether D1 refuses `statement`.
fn wrangler_refuses(dir: &Path, statement: &str) -> bool {
    let out = campaign_tests::wrangler()
        .current_dir(dir)
        .args([
            "d1",
            "execute",
            "DB",
            "--local",
            "--config",
            "wrangler.toml",
        ])
        .args(["--persist-to", "state", "--command", statement])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run wrangler d1");
    !out.status.success()
}

#[test]
fn a_database_at_0001_is_migrated_to_the_latest_losing_nothing() {
    // A migrations folder holding only 0001, as a deployed database had it.
    let first = artifacts().join("schema-only-0001");
    let _ = std::fs::remove_dir_all(&first);
    std::fs::create_dir_all(&first).expect("mkdir");
    std::fs::copy(
        root().join("migrations/0001_initial.sql"),
        first.join("0001_initial.sql"),
    )
    .expect("copy 0001");
    let dir = place("upgrade", &first);
    migrate(&dir);
    sql(
        &dir,
        "INSERT INTO pledges (id, status, amount_cents, currency, refunded_cents, ever_paid, designation, name, email, show_name, provider_ref, scheme, flag, ip_hash, created_at, paid_at) VALUES \
           ('p1', 'paid', 5000, 'usd', 0, 1, 'women-training', 'Dara', 'd@example.org', 1, 'pi_1', 'stripe', NULL, 'h1', 10, 11), \
           ('p2', 'refunded', 7000, 'usd', 7000, 1, 'general', NULL, NULL, 0, 'pi_2', 'stripe', NULL, 'h2', 12, 13), \
           ('p3', 'pending', 2500, 'usd', 0, 0, 'general', NULL, NULL, 0, NULL, NULL, NULL, 'h3', 14, NULL), \
           ('p4', 'paid', 9900, 'eur', 0, 1, 'general', NULL, NULL, 0, 'pi_4', 'stripe', 'currency', 'h4', 15, 16), \
           ('p5', 'paid', 2500, 'usd', 1000, 1, 'women-training', 'Sok', NULL, 1, 'ref-5', 'standard', NULL, 'h5', 17, 18), \
           ('p6', 'paid', 3000, 'usd', 0, 1, 'general', NULL, NULL, 0, NULL, 'standard', NULL, 'h6', 19, 20), \
           ('p7', 'paid', 4000, 'usd', 0, 1, 'women-training', NULL, NULL, 0, 'pi_1', 'stripe', NULL, 'h7', 21, 22); \
         INSERT INTO webhook_events (scheme, event_id, type, outcome, pledge_id, provider_ref, amount_cents, currency, received_at) VALUES \
           ('stripe', 'evt_1', 'checkout.session.completed', 'applied', 'p1', 'pi_1', 5000, 'usd', 11), \
           ('stripe', 'evt_2', 'charge.refunded', 'applied', NULL, 'pi_2', 7000, 'usd', 13); \
         INSERT INTO refunds (scheme, provider_ref, refunded_cents, currency, updated_at) VALUES ('stripe', 'pi_2', 7000, 'usd', 13); \
         INSERT INTO comments (id, parent_id, thread_id, name, email, body, status, is_campaign, ip_hash, created_at) VALUES \
           (1, NULL, 1, 'Root', 'root@example.org', 'a root', 'approved', 0, 'h', 1), \
           (2, 1, 1, 'Campaign', NULL, 'a reply', 'approved', 1, NULL, 2), \
           (3, 2, 1, 'Visitor', 'visitor@example.org', 'a reply to the reply', 'held', 0, 'h', 3), \
           (4, NULL, 4, 'Spam', NULL, 'buy now', 'spam', 0, 'h', 4); \
         INSERT INTO volunteers (name, email, help, ip_hash, created_at) VALUES ('Sokha', 's@example.org', 'radio', 'h', 5);",
    );
    // What the public figures are, as each schema counts them: pledges before 0003, payments
    // after. The bounds are the same (`store::COUNTED`).
    const BOUNDS: &str = "flag IS NULL AND currency = 'usd' AND typeof(amount_cents) = 'integer' AND amount_cents BETWEEN 1 AND 10000000 \
         AND typeof(refunded_cents) = 'integer' AND refunded_cents BETWEEN 0 AND 10000000";
    let figures = |dir: &Path, money: &str, designation_of: &str| {
        sql(
            dir,
            &format!(
                "SELECT COALESCE(SUM(MAX(amount_cents - refunded_cents, 0)), 0) AS raised, COUNT(*) AS gifts, \
                        COALESCE(SUM(CASE WHEN {designation_of} = 'women-training' THEN MAX(amount_cents - refunded_cents, 0) END), 0) AS training \
                 FROM {money} {BOUNDS}"
            ),
        )
    };
    let money_before = figures(&dir, "pledges WHERE ever_paid = 1 AND", "designation")
        .into_iter()
        .chain(sql(&dir, "SELECT id AS pledge, amount_cents, refunded_cents, currency, flag FROM pledges WHERE ever_paid = 1 ORDER BY id"))
        .collect::<Vec<_>>();
    let snapshot = |dir: &Path| {
        let pledges = sql(dir, "SELECT id, status, amount_cents, currency, designation, name, email, show_name, created_at FROM pledges ORDER BY id");
        let events = sql(dir, "SELECT * FROM webhook_events ORDER BY event_id");
        let refunds = sql(
            dir,
            "SELECT scheme, provider_ref, refunded_cents, currency, updated_at FROM refunds",
        );
        let comments = sql(dir, "SELECT id, parent_id, thread_id, name, body, status, is_campaign, created_at FROM comments ORDER BY id");
        let volunteers = sql(
            dir,
            "SELECT id, name, email, help, created_at FROM volunteers",
        );
        let tiers = sql(dir, "SELECT * FROM tiers ORDER BY position");
        serde_json::json!([pledges, events, refunds, comments, volunteers, tiers])
    };
    let before = snapshot(&dir);
    assert_eq!(before[3].as_array().map(Vec::len), Some(4));
    let comment_emails = |dir: &Path| {
        sql(
            dir,
            "SELECT COUNT(*) AS n FROM comments WHERE email IS NOT NULL",
        )[0]["n"]
            .as_i64()
    };
    assert_eq!(comment_emails(&dir), Some(2));
    assert_eq!(money_before.len(), 7, "the figures and six paid pledges");
    // Now every migration.
    for entry in std::fs::read_dir(root().join("migrations")).expect("migrations") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), first.join(entry.file_name())).expect("copy");
    }
    migrate(&dir);
    let after = snapshot(&dir);
    assert_eq!(before, after, "the upgrade lost or changed something");
    // Except the emails commenters gave: 0008 forgot them (#26) and 0012 drops the column;
    // the comments stay.
    assert!(
        sql(
            &dir,
            "SELECT name FROM pragma_table_info('comments') WHERE name = 'email'"
        )
        .is_empty(),
        "comments.email is still there"
    );
    // Every paid pledge is a payment now, with its amount, refund, currency and flag; the
    // public figures are the same (and not trivially: one gift is flagged, one refunded, one
    // partly refunded, two share a reference and one has none).
    let money_after = figures(
        &dir,
        "payments WHERE",
        "(SELECT designation FROM pledges p WHERE p.id = payments.pledge_id)",
    )
    .into_iter()
    .chain(sql(&dir, "SELECT pledge_id AS pledge, amount_cents, refunded_cents, currency, flag FROM payments ORDER BY pledge_id"))
    .collect::<Vec<_>>();
    assert_eq!(
        money_before, money_after,
        "the totals changed in the move to payments"
    );
    assert_eq!(
        (
            &money_after[0]["raised"],
            &money_after[0]["gifts"],
            &money_after[0]["training"]
        ),
        (
            &serde_json::json!(13500),
            &serde_json::json!(5),
            &serde_json::json!(10500)
        )
    );
    assert_eq!(
        sql(
            &dir,
            "SELECT ref FROM payments WHERE pledge_id IN ('p1', 'p6', 'p7') ORDER BY pledge_id"
        ),
        serde_json::json!([{"ref": "pi_1"}, {"ref": "pledge:p6"}, {"ref": "pledge:p7"}])
            .as_array()
            .cloned()
            .unwrap_or_default()
    );
    // A paid pledge remembers when it was first paid; the pending one was never paid.
    assert_eq!(
        sql(&dir, "SELECT id FROM pledges WHERE paid_at IS NULL"),
        serde_json::json!([{"id": "p3"}])
            .as_array()
            .cloned()
            .unwrap_or_default()
    );
    // The replies survived the comments table's rebuild (its self-reference cascades), and the
    // new states are there.
    assert_eq!(
        sql(
            &dir,
            "SELECT COUNT(*) AS n FROM comments WHERE parent_id IS NOT NULL"
        )[0]["n"],
        2
    );
    sql(&dir, "UPDATE comments SET status = 'removed' WHERE id = 2");
    assert!(
        sql(
            &dir,
            "SELECT name FROM pragma_table_xinfo('pledges') WHERE name = 'ip_hash'"
        )
        .is_empty(),
        "the unread IP hashes are gone"
    );
    // And the result is the schema everyone reads.
    let fresh = place("upgrade-fresh", &root().join("migrations"));
    migrate(&fresh);
    assert_eq!(describe(&dir), describe(&fresh));
}

#[test]
fn the_common_passwords_are_seeded_as_they_are_looked_up() {
    let dir = place("common-passwords", &root().join("migrations"));
    migrate(&dir);
    let count = &sql(&dir, "SELECT COUNT(*) AS n FROM common_passwords")[0]["n"];
    // Every entry of 8+ characters of @zxcvbn-ts/language-common 4.1.3 (scripts/common-passwords.mjs).
    assert_eq!(count, 17950);
    // Entries of 12 characters and more, as a new password must be, and ones of 8 to 11 that a
    // padded password trims to; all in the form `common_key` gives.
    for known in [
        "password1234",
        "1qaz2wsx3edc",
        "qwerty123456",
        "password",
        "trustno1",
    ] {
        assert_eq!(
            app::account::password::common_key(known),
            known,
            "{known} is not in its looked-up form"
        );
        let found = sql(
            &dir,
            &format!("SELECT password FROM common_passwords WHERE password = '{known}'"),
        );
        assert_eq!(found.len(), 1, "{known} is missing");
    }
    // Nothing shorter, nothing in capitals, nothing with spaces around it.
    let odd = sql(
        &dir,
        "SELECT COUNT(*) AS n FROM common_passwords WHERE length(password) < 8 OR password <> lower(password) OR password <> trim(password)",
    );
    assert_eq!(odd[0]["n"], 0);
    // A new database has no account and nobody signed in.
    assert_eq!(sql(&dir, "SELECT COUNT(*) AS n FROM accounts")[0]["n"], 0);
}

/// The two workers' configs (README, "Two workers") as TOML.
fn configs() -> (toml::Table, toml::Table) {
    let read = |f: &str| -> toml::Table {
        std::fs::read_to_string(root().join(f))
            .expect("read the config")
            .parse()
            .expect("parse the config")
    };
    (read("wrangler.toml"), read("wrangler.office.toml"))
}

#[test]
fn the_two_workers_share_their_settings_and_database() {
    let (site, office) = configs();
    for key in [
        "vars",
        "d1_databases",
        "compatibility_date",
        "compatibility_flags",
        "observability",
    ] {
        assert_eq!(
            site.get(key),
            office.get(key),
            "{key} differs between the two configs"
        );
    }
    assert!(site.get("vars").is_some() && site.get("d1_databases").is_some());
    // The site binds the office by its name; the office has no address of its own and runs
    // the jobs, which the site does not.
    let binding = &site["services"].as_array().expect("[[services]]")[0];
    assert_eq!(binding["binding"].as_str(), Some("OFFICE"));
    assert_eq!(binding["service"], office["name"]);
    assert_eq!(office["workers_dev"].as_bool(), Some(false));
    assert!(office.get("triggers").is_some() && site.get("triggers").is_none());
    assert_eq!(site["main"].as_str(), Some("build/site/index.js"));
    assert_eq!(office["main"].as_str(), Some("build/office/index.js"));
}

/// What a config would keep of each request beyond the site's own lines, one phrase per
/// setting that does (empty: nothing). Cloudflare's invocation log holds the URL (a monthly
/// gift's secret address, any `?ref=` code), the headers and the visitor's IP, city and
/// country; traces carry the URLs; Logpush, log destinations and tail consumers send every
/// record elsewhere (README, "Runbook").
fn keeps_requests(config: &toml::Table) -> Vec<&'static str> {
    let mut kept = Vec::new();
    let obs = config.get("observability").and_then(|o| o.as_table());
    let flag = |table: Option<&toml::Table>, key: &str| table.and_then(|t| t.get(key)?.as_bool());
    let logs = obs.and_then(|o| o.get("logs")?.as_table());
    let traces = obs.and_then(|o| o.get("traces")?.as_table());
    if flag(obs, "enabled") != Some(false) && flag(logs, "invocation_logs") != Some(false) {
        kept.push("invocation logs are on (set [observability.logs] invocation_logs = false)");
    }
    if flag(obs, "redact_query_string") != Some(true) {
        kept.push("query strings are not redacted ([observability] redact_query_string = true)");
    }
    if flag(traces, "enabled") != Some(false) {
        kept.push("traces are not switched off ([observability.traces] enabled = false)");
    }
    if logs.is_some_and(|l| l.contains_key("destinations")) {
        kept.push("logs are sent to a destination");
    }
    if flag(Some(config), "logpush") == Some(true) {
        kept.push("Logpush is on");
    }
    for key in ["tail_consumers", "streaming_tail_consumers"] {
        if config.get(key).is_some() {
            kept.push("a tail consumer receives every request");
        }
    }
    kept
}

#[test]
fn the_logs_keep_nothing_personal() {
    let (site, office) = configs();
    assert_eq!(keeps_requests(&site), Vec::<&str>::new(), "wrangler.toml");
    assert_eq!(
        keeps_requests(&office),
        Vec::<&str>::new(),
        "wrangler.office.toml"
    );
    assert_eq!(site.get("observability"), office.get("observability"));
    // The check sees each way back: a config as Cloudflare's defaults would have it, and each
    // setting turned on again alone.
    let parse = |s: &str| -> toml::Table { s.parse().expect("toml") };
    assert_eq!(
        keeps_requests(&parse("[observability]\nenabled = true\n")).len(),
        3
    );
    let base = "logpush = false\n[observability]\nenabled = true\nredact_query_string = true\n\
                [observability.logs]\ninvocation_logs = false\n[observability.traces]\nenabled = false\n";
    assert!(keeps_requests(&parse(base)).is_empty());
    for (from, to) in [
        ("invocation_logs = false", "invocation_logs = true"),
        ("redact_query_string = true", "redact_query_string = false"),
        (
            "[observability.traces]\nenabled = false",
            "[observability.traces]\nenabled = true",
        ),
        ("logpush = false", "logpush = true"),
        (
            "invocation_logs = false",
            "invocation_logs = false\ndestinations = [\"x\"]",
        ),
        ("logpush = false", "tail_consumers = [{ service = \"t\" }]"),
    ] {
        assert_eq!(
            keeps_requests(&parse(&base.replace(from, to))).len(),
            1,
            "{to}"
        );
    }
}
