//! Signing in under a real attack (#27 §1): the account's turn is taken before the password
//! hash, in one statement, so tries arriving together get one code checked; a browser that
//! signed in before carries a device cookie and its own slow-down, so someone who keeps the
//! name slowed down from elsewhere never keeps its owner out; and no answer tells whether a
//! name exists, each running exactly one password hash (counted in the worker's log).

use campaign_tests::accounts::{invite, sign_in_raw, Maintainer};
use campaign_tests::race::Racer;
use campaign_tests::{ip, now, totp, Resp, Worker, CLOCK};
use std::time::{Duration, Instant};

/// A new maintainer of the module's worker, invited by its owner from `from`.
fn maintainer(w: &Worker, name: &str, from: &str) -> Maintainer {
    let owner = w.sign_in_owner(from);
    invite(w, &owner, from, name, &["moderator"])
}

/// The sign-in form for `name`, posted from `from` at the worker's clock moved by `offset`,
/// with `cookie` (a `Cookie` header's value) when it is not empty.
fn post(w: &Worker, from: &str, offset: i64, cookie: &str, fields: &[(&str, &str)]) -> Resp {
    let offset = offset.to_string();
    let mut headers = vec![
        ("CF-Connecting-IP", from),
        ("Content-Type", "application/x-www-form-urlencoded"),
        (CLOCK, offset.as_str()),
    ];
    if !cookie.is_empty() {
        headers.push(("Cookie", cookie));
    }
    let body = campaign_tests::encode_form(fields);
    w.request("POST", "/admin/login", &headers, Some(body.as_bytes()))
}

/// `m`'s right password and the code of the worker's time `offset` seconds from now.
fn right(w: &Worker, m: &Maintainer, from: &str, offset: i64, cookie: &str) -> Resp {
    let code = totp(&m.secret, now() + offset);
    post(
        w,
        from,
        offset,
        cookie,
        &[
            ("name", &m.name),
            ("password", &m.password),
            ("code", &code),
        ],
    )
}

/// The `admin_device=…` pair a response sets, if any.
fn device_of(r: &Resp) -> Option<String> {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| {
            v.starts_with("admin_device=")
                .then(|| v.split(';').next().unwrap_or_default().to_string())
        })
}

fn account_id(w: &Worker, name: &str) -> i64 {
    w.sql(&format!("SELECT id FROM accounts WHERE name = '{name}'"))[0]["id"]
        .as_i64()
        .unwrap_or_default()
}

fn audited(w: &Worker, action: &str, account: i64) -> usize {
    w.sql(&format!(
        "SELECT id FROM audit WHERE action = '{action}' AND actor = {account}"
    ))
    .len()
}

/// After a wait, twelve tries with the right password and wrong codes arrive together, each
/// from its own address: one takes the account's turn and has its code checked, the eleven
/// others are refused unread (today's code read the slow-down before and wrote it after, so
/// all twelve were checked: twelve `sign-in-failed` and none refused). All twelve answers are
/// the same.
#[test]
fn tries_arriving_together_after_a_wait_get_one_code_checked() {
    let w = Worker::shared(module_path!());
    let m = maintainer(w, "racer", &ip(14300));
    let id = account_id(w, "racer");
    // Seven failures so far, the last wait just over.
    w.sql(&format!(
        "UPDATE accounts SET failed_signins = 7, next_try_at = {} WHERE id = {id}",
        now() - 1
    ));
    let racers: Vec<Racer> = (0..12)
        .map(|i| {
            let code = format!("{:06}", 100_000 + i);
            Racer::form(
                "/admin/login",
                &ip(14301 + i),
                &[],
                &[
                    ("name", m.name.as_str()),
                    ("password", m.password.as_str()),
                    ("code", code.as_str()),
                ],
            )
        })
        .collect();
    let before = now();
    let answers = w.race(&racers);
    let after = now();
    for r in &answers {
        assert_eq!((r.status, r.text()), (answers[0].status, answers[0].text()));
    }
    assert_eq!(answers[0].status, 403, "{}", answers[0].body);
    assert_eq!(audited(w, "sign-in-failed", id), 1, "codes checked");
    assert_eq!(audited(w, "sign-in-refused", id), 11);
    let a = &w.sql(&format!(
        "SELECT failed_signins, next_try_at FROM accounts WHERE id = {id}"
    ))[0];
    assert_eq!(a["failed_signins"], 8);
    // The eighth failure's wait (80 s) runs from the one try that took the turn.
    let next = a["next_try_at"].as_i64().unwrap_or_default();
    assert!(
        (before + 80..=after + 80).contains(&next),
        "{before} {next} {after}"
    );
}

/// One wrong try every five minutes from one address keeps the name's slow-down at its
/// longest (5 minutes) for a whole simulated hour. From a new browser the real maintainer
/// never gets a turn; from the browser they signed in with before (its device cookie), they
/// get in every time, each time with a new cookie. On today's code the same hour let them in
/// 0 times: there was no device cookie, and the slow-down answered 429 to all.
#[test]
fn a_browser_that_signed_in_before_gets_in_while_its_name_is_under_attack() {
    let w = Worker::shared(module_path!());
    let (attacker, home, new_laptop) = (ip(14320), ip(14321), ip(14322));
    let m = maintainer(w, "sokha", &home);
    let id = account_id(w, "sokha");
    let first = right(w, &m, &home, 120, "");
    assert_eq!(first.status, 303, "{}", first.body);
    // (Today's code set none: the hour below then let the maintainer in 0 times of 12.)
    let mut device = device_of(&first).unwrap_or_default();
    // The attacker's morning: many failures already, the next try due now.
    let start = 600;
    w.sql(&format!(
        "UPDATE accounts SET failed_signins = 40, next_try_at = {} WHERE id = {id}",
        now() + start
    ));
    let wrong = [
        ("name", "sokha"),
        ("password", "a guess, wrong"),
        ("code", "123456"),
    ];
    let (mut with_cookie, mut without) = (0, 0);
    let mut attacked = (0, 0);
    for k in 0..12 {
        let t = start + 300 * k;
        let sent = now();
        let r = post(w, &attacker, t, "", &wrong);
        attacked = (sent, now());
        assert_eq!(r.status, 403, "{}", r.body);
        let r = right(w, &m, &new_laptop, t + 150, "");
        without += usize::from(r.status == 303);
        let r = right(w, &m, &home, t + 160, &device);
        if r.status == 303 {
            with_cookie += 1;
            let next = device_of(&r).unwrap_or_default();
            assert_ne!(next, device, "each sign-in gives a new device cookie");
            device = next;
        }
    }
    assert_eq!(
        (with_cookie, without),
        (12, 0),
        "signed in: with the cookie, without"
    );
    // A cookie whose tag was changed is no device: such a browser waits with the others.
    let (pair, tag) = device.rsplit_once('.').expect("id.tag");
    let forged = format!("{pair}.{}", tag.replace(|c| c != '0', "0"));
    let t = start + 300 * 11 + 200;
    assert_eq!(right(w, &m, &home, t, &forged).status, 403);
    // A wrong try with the device's cookie counts for that device alone.
    let r = post(w, &home, t + 10, &device, &wrong);
    assert_eq!(r.status, 403);
    // Every wrong try of the attacker's took its turn and kept the wait at its longest; the
    // maintainer's sign-ins left the account's slow-down as it was.
    assert_eq!(audited(w, "sign-in-failed", id), 12 + 1);
    let a = &w.sql(&format!(
        "SELECT failed_signins, next_try_at FROM accounts WHERE id = {id}"
    ))[0];
    assert_eq!(a["failed_signins"], 52);
    let longest = start + 300 * 11 + 300;
    let next = a["next_try_at"].as_i64().unwrap_or_default();
    assert!(
        (attacked.0 + longest..=attacked.1 + longest).contains(&next),
        "{attacked:?} {next}"
    );
    // One row per browser: each sign-in replaced the device's row with its new one, which
    // counts the one wrong try made with it.
    let rows = w.sql(&format!(
        "SELECT failed FROM signin_devices WHERE account_id = {id}"
    ));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["failed"], 1);
}

/// The lines the worker logged for a password hash, in order.
fn hash_lines(w: &Worker) -> Vec<String> {
    std::fs::read_to_string(w.dir.join("wrangler.log"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(r#""event":"password_hashed""#))
        .map(|l| l[l.find('{').unwrap_or(0)..].to_string())
        .collect()
}

/// The log's hash lines once there are `n` (wrangler writes them a moment after answering).
fn hash_lines_until(w: &Worker, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let lines = hash_lines(w);
        if lines.len() >= n || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A name that is no account's, a name no account could have, a disabled account, a wrong
/// password, a wrong code, and a real name whose next try is not due: the same status and the
/// same words for all, and each try, as a success, runs exactly one password hash, logged
/// with the same fields. (Today's code said "too many failed sign-ins for this name" to the
/// last with a 429, without hashing, and logged no hash.)
#[test]
fn no_answer_tells_whether_a_name_exists_and_each_runs_one_hash() {
    let w = Worker::start_logged(&[]);
    let owner = w.owner().clone();
    w.sql("INSERT INTO accounts (name, roles, status, created_at) VALUES ('gone', 'moderator', 'disabled', 0)");
    let before = hash_lines_until(&w, 0).len();
    let code = totp(&owner.secret, now());
    let tries: [(&str, &str, &str); 6] = [
        ("nobody-here", "a guess, wrong", "123456"),
        ("x!", "a guess, wrong", "123456"),
        ("gone", "a guess, wrong", "123456"),
        ("owner", "a guess, wrong", "123456"),
        ("owner", &owner.password, "000000"),
        // Slowed down below: the right password and code, refused before the hash.
        ("owner", &owner.password, &code),
    ];
    let mut answers = Vec::new();
    for (i, (name, password, code)) in tries.into_iter().enumerate() {
        if i == 5 {
            w.sql(&format!(
                "UPDATE accounts SET failed_signins = 50, next_try_at = {} WHERE name = 'owner'",
                now() + 200
            ));
        }
        let r = post(
            &w,
            &ip(14340 + i as u32),
            0,
            "",
            &[("name", name), ("password", password), ("code", code)],
        );
        let lines = hash_lines_until(&w, before + i + 1);
        assert_eq!(lines.len(), before + i + 1, "try {i} ({name}): {lines:?}");
        answers.push((r.status, r.text()));
    }
    for (i, a) in answers.iter().enumerate() {
        assert_eq!(a, &answers[0], "try {i} answered otherwise");
    }
    assert_eq!(answers[0].0, 403);
    w.sql("UPDATE accounts SET failed_signins = 0, next_try_at = 0 WHERE name = 'owner'");
    assert_eq!(sign_in_raw(&w, &owner, &ip(14346), None).status, 303);
    let lines = hash_lines_until(&w, before + 7);
    assert_eq!(lines.len(), before + 7, "{lines:?}");
    let expected =
        serde_json::json!({"event": "password_hashed", "calls": "6", "iterations": "100000"});
    for l in &lines[before..] {
        let line: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
        assert_eq!(line, expected, "{l}");
    }
}
