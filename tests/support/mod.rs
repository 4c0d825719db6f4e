//! The shared fixture: a real worker in workerd (through `wrangler dev`) with its own fresh
//! local D1, its own port and its own variables; plain HTTP helpers; a WebDriver client for
//! Debian's Chromium.
//!
//! `make test` builds the worker first; every instance here runs that build (the generated
//! config has no build command) and never reads the developer's `.dev.vars`: the config lives
//! in a fresh folder of its own, and every variable is set here.

pub mod accounts;
pub mod admin;
pub mod browser;
pub mod content;
pub mod fake_stripe;
pub mod monthly;
pub mod race;
pub mod signer;
pub mod vnu;

use std::io::Read;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

pub fn artifacts() -> PathBuf {
    let dir = root().join("tests/artifacts");
    std::fs::create_dir_all(&dir).expect("create tests/artifacts");
    dir
}

/// The variables every test instance gets; a test overrides or adds with [`Worker::start`].
pub const TEST_VARS: &[(&str, &str)] = &[
    ("CHECKOUT", "sandbox"),
    ("SITE_SECRET", "test-site-secret"),
    ("STRIPE_WEBHOOK_SECRET", "whsec_test_stripe_secret"),
    (
        "STANDARD_WEBHOOK_SECRET",
        "whsec_dGVzdC1zdGFuZGFyZC1zZWNyZXQtMzItYnl0ZXMhIQ==",
    ),
    ("STRIPE_SECRET_KEY", "sk_test_fake"),
    // Stripe's API is never called from a test: a closed loopback port, unless a test starts
    // its fake Stripe (`fake_stripe`) and points here.
    ("STRIPE_API_BASE", "http://127.0.0.1:9"),
    ("BOOTSTRAP_SECRET", "test-bootstrap-secret"),
    ("CAMPAIGN_GOAL_USD", "50000"),
    // Tests change D1 behind the worker's back; the cache's own test switches it on.
    ("EDGE_CACHE_SECS", "0"),
];

/// Process groups to end when the test binary exits (shared instances are never dropped).
static GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

extern "C" fn kill_all() {
    if let Ok(groups) = GROUPS.lock() {
        for g in groups.iter() {
            unsafe { libc::kill(-g, libc::SIGTERM) };
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// PATH with the project's Node 22 and tools first.
pub fn tool_path() -> String {
    format!(
        "{}:{}",
        root().join("node_modules/.bin").display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

pub fn wrangler() -> Command {
    let mut c = Command::new(root().join("node_modules/.bin/wrangler"));
    c.env("PATH", tool_path())
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
        .env("NO_COLOR", "1");
    c
}

/// The repository's wrangler config `file`, as one test instance runs it: no build step (the
/// tests run what scripts/build.sh built), `main` absolute, the test variables and `vars` on
/// top of the file's own (an empty value removes one).
fn instance_config(file: &str, main: &str, vars: &[(&str, &str)]) -> String {
    let text = std::fs::read_to_string(root().join(file)).expect("read the wrangler config");
    let mut config: toml::Table = text.parse().expect("parse the wrangler config");
    config.remove("build");
    config.insert(
        "main".into(),
        root().join(main).display().to_string().into(),
    );
    let mut merged: Vec<(String, String)> = Vec::new();
    if let Some(toml::Value::Table(v)) = config.get("vars") {
        for (k, val) in v {
            merged.push((k.clone(), val.as_str().unwrap_or_default().to_string()));
        }
    }
    for (k, v) in TEST_VARS.iter().chain(vars.iter()) {
        merged.retain(|(name, _)| name != k);
        if !v.is_empty() {
            merged.push((k.to_string(), v.to_string()));
        }
    }
    let mut table = toml::Table::new();
    for (k, v) in merged {
        table.insert(k, v.into());
    }
    config.insert("vars".into(), toml::Value::Table(table));
    toml::to_string(&config).expect("config")
}

/// A local D1 with the current schema, built once per test binary and copied for each worker.
fn template_db() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = artifacts().join("db-template");
        let status = Command::new("sh")
            .arg(root().join("scripts/db.sh"))
            .arg(&dir)
            .status()
            .expect("run scripts/db.sh");
        assert!(status.success(), "scripts/db.sh failed");
        dir
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A running worker with its own database.
pub struct Worker {
    pub port: u16,
    pub base: String,
    pub dir: PathBuf,
    child: Child,
    /// The first owner, made on first use (`accounts`).
    owner: OnceLock<accounts::Maintainer>,
}

impl Worker {
    /// The instance the tests of one module share, `Worker::shared(module_path!())`: the default
    /// test variables, started on first use and kept until the binary exits. Each module of
    /// `tests/it` gets its own, so a module's tests see each other's rows and never another
    /// module's: what they assert about the whole database (no gift paid yet, the threads on
    /// page 1) stays as true as when each module was a binary of its own. A test that counts
    /// rows it did not make itself starts its own instead ([`Worker::start`]).
    pub fn shared(module: &'static str) -> &'static Worker {
        type Instances = Vec<(&'static str, &'static OnceLock<Worker>)>;
        static MODULES: Mutex<Instances> = Mutex::new(Vec::new());
        // The list is held only to find the module's slot, so modules start theirs in
        // parallel; the slot's `OnceLock` makes one start per module.
        let slot = {
            let mut modules = MODULES.lock().unwrap_or_else(|e| e.into_inner());
            match modules.iter().find(|(name, _)| *name == module) {
                Some((_, slot)) => *slot,
                None => {
                    let slot: &'static OnceLock<Worker> = Box::leak(Box::new(OnceLock::new()));
                    modules.push((module, slot));
                    slot
                }
            }
        };
        slot.get_or_init(|| Worker::start(&[]))
    }

    /// Starts a worker with [`TEST_VARS`] overridden by `vars` (a value of `""` removes one).
    pub fn start(vars: &[(&str, &str)]) -> Worker {
        Worker::start_at(vars, "warn")
    }

    /// A worker whose own log lines (`console.log`) reach `wrangler.log`, for tests of them.
    pub fn start_logged(vars: &[(&str, &str)]) -> Worker {
        Worker::start_at(vars, "log")
    }

    /// Starts a worker on a free port; should another process take that port between our
    /// finding it free and wrangler binding it, starts again on another (at most three tries).
    fn start_at(vars: &[(&str, &str)], log_level: &str) -> Worker {
        for _ in 0..2 {
            let w = Worker::try_start(vars, log_level);
            match w.wait_ready() {
                Ok(()) => return w,
                Err(log) if log.contains("Address already in use") => continue,
                Err(log) => panic!(
                    "worker on port {} did not answer within 90 s; log:\n{log}",
                    w.port
                ),
            }
        }
        let w = Worker::try_start(vars, log_level);
        if let Err(log) = w.wait_ready() {
            panic!(
                "worker on port {} did not answer within 90 s; log:\n{log}",
                w.port
            );
        }
        w
    }

    fn try_start(vars: &[(&str, &str)], log_level: &str) -> Worker {
        static ONCE: OnceLock<()> = OnceLock::new();
        ONCE.get_or_init(|| unsafe {
            libc::atexit(kill_all);
        });
        let port = free_port();
        let dir = artifacts().join(format!("worker-{port}"));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(template_db(), &dir.join("state"));

        // The product's own two configs (the site's and the office's, README "Two workers"),
        // each with the build step removed, main made absolute and this instance's variables.
        for (file, main) in [
            ("wrangler.toml", "build/site/index.js"),
            ("wrangler.office.toml", "build/office/index.js"),
        ] {
            std::fs::write(dir.join(file), instance_config(file, main, vars))
                .expect("write config");
        }

        let log = std::fs::File::create(dir.join("wrangler.log")).expect("log file");
        let child = wrangler()
            .current_dir(&dir)
            .args([
                "dev",
                "--config",
                "wrangler.toml",
                "--config",
                "wrangler.office.toml",
                "--ip",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .args([
                "--persist-to",
                "state",
                "--inspector-port",
                "0",
                "--show-interactive-dev-session=false",
                "--test-scheduled",
            ])
            .args(["--log-level", log_level])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .expect("start wrangler dev");
        if let Ok(mut g) = GROUPS.lock() {
            g.push(child.id() as i32);
        }
        Worker {
            port,
            base: format!("http://127.0.0.1:{port}"),
            dir,
            child,
            owner: OnceLock::new(),
        }
    }

    /// Waits until the worker answers; its log if it does not within 90 s, or gave up early
    /// because its port was taken.
    fn wait_ready(&self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(90);
        while Instant::now() < deadline {
            if let Ok(r) = try_request(&self.base, "GET", "/healthz", &[], None) {
                if r.status == 200 {
                    return Ok(());
                }
            }
            let log = std::fs::read_to_string(self.dir.join("wrangler.log")).unwrap_or_default();
            if log.contains("Address already in use") {
                return Err(log);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(std::fs::read_to_string(self.dir.join("wrangler.log")).unwrap_or_default())
    }

    pub fn get(&self, path: &str) -> Resp {
        self.request("GET", path, &[], None)
    }

    /// GETs `path` until `ok` holds, at most five seconds, and gives the last answer: for what
    /// the worker does right after answering (`ctx.wait_until`: the edge cache following a
    /// write).
    pub fn get_until(&self, path: &str, ok: impl Fn(&Resp) -> bool) -> Resp {
        self.get_with_until(path, &[], ok)
    }

    /// [`Worker::get_until`] with request headers (a clock offset, a cookie).
    pub fn get_with_until(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        ok: impl Fn(&Resp) -> bool,
    ) -> Resp {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let r = self.request("GET", path, headers, None);
            if ok(&r) || Instant::now() > deadline {
                return r;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// GET with a visitor address of its own (each test case gets its own IP).
    pub fn get_as(&self, path: &str, ip: &str) -> Resp {
        self.request("GET", path, &[("CF-Connecting-IP", ip)], None)
    }

    /// POSTs a form, url-encoded, from the visitor at `ip`.
    pub fn post_form(&self, path: &str, ip: &str, fields: &[(&str, &str)]) -> Resp {
        self.post_form_with(path, ip, &[], fields)
    }

    /// Posts a pledge form whose donor ticked the eligibility box (every valid pledge has it);
    /// a test of the box itself posts with [`Worker::post_form`].
    pub fn post_pledge(&self, path: &str, ip: &str, fields: &[(&str, &str)]) -> Resp {
        self.post_pledge_with(path, ip, &[], fields)
    }

    /// [`Worker::post_pledge`] with more headers.
    pub fn post_pledge_with(
        &self,
        path: &str,
        ip: &str,
        extra: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> Resp {
        let asked = self.post_pledge_asked(path, ip, extra, fields);
        if upsell_fields(&asked).is_some() {
            // A valid one-off gift is asked "Would you make it monthly?" (#28 §2); a test of
            // anything else answers "once", as a donor keeping their gift would.
            return self.answer_upsell(path, ip, extra, &asked, "once", None);
        }
        asked
    }

    /// [`Worker::post_pledge_with`] without answering the monthly step: the first post's own
    /// answer (the step's page for a valid one-off gift).
    pub fn post_pledge_asked(
        &self,
        path: &str,
        ip: &str,
        extra: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> Resp {
        let mut fields = fields.to_vec();
        fields.push(("eligible", "on"));
        self.post_form_with(path, ip, extra, &fields)
    }

    /// Presses `answer` (`month` or `once`) on the monthly step's page `step`, with every
    /// field it carries, the monthly amount replaced by `monthly` when given.
    pub fn answer_upsell(
        &self,
        path: &str,
        ip: &str,
        extra: &[(&str, &str)],
        step: &Resp,
        answer: &str,
        monthly: Option<&str>,
    ) -> Resp {
        let carried = upsell_fields(step)
            .unwrap_or_else(|| panic!("not the monthly step: {} {}", step.status, step.body));
        let mut fields: Vec<(&str, &str)> = carried
            .iter()
            .map(|(k, v)| match (k.as_str(), monthly) {
                ("monthly_amount", Some(m)) => (k.as_str(), m),
                _ => (k.as_str(), v.as_str()),
            })
            .collect();
        fields.push(("upsell", answer));
        self.post_form_with(path, ip, extra, &fields)
    }

    /// [`Worker::post_form`] with more headers (a cookie, `Sec-Fetch-Site`, `Origin`...).
    pub fn post_form_with(
        &self,
        path: &str,
        ip: &str,
        extra: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> Resp {
        let body = encode_form(fields);
        let mut headers = vec![
            ("CF-Connecting-IP", ip),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        headers.extend_from_slice(extra);
        self.request("POST", path, &headers, Some(body.as_bytes()))
    }

    /// POSTs a JSON body with `headers` (a webhook delivery and its signature headers).
    pub fn post_json(&self, path: &str, headers: &[(String, String)], body: &str) -> Resp {
        let mut h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        h.push(("Content-Type", "application/json"));
        self.request("POST", path, &h, Some(body.as_bytes()))
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Resp {
        try_request(&self.base, method, path, headers, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// POSTs `body` to `path` as `Transfer-Encoding: chunked`, written by hand on a plain TCP
    /// connection so that nothing on the way can add a `Content-Length`, and returns the status
    /// of the answer. The worker may answer before the whole body is sent: the rest is then
    /// left unsent, and the connection closed once the status line is read.
    pub fn post_chunked(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
        use std::io::{BufRead, BufReader, Write};
        use std::net::{Shutdown, TcpStream};
        let stream = TcpStream::connect(("127.0.0.1", self.port))
            .unwrap_or_else(|e| panic!("POST {path} (chunked): connect: {e}"));
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("a read timeout");
        let mut head = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n",
            self.port
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut writer = stream
            .try_clone()
            .expect("a second handle on the connection");
        let body = body.to_vec();
        // Written from a thread of its own, so the answer is read as soon as it comes.
        let sender = std::thread::spawn(move || -> std::io::Result<()> {
            writer.write_all(head.as_bytes())?;
            for chunk in body.chunks(16 * 1024) {
                write!(writer, "{:x}\r\n", chunk.len())?;
                writer.write_all(chunk)?;
                writer.write_all(b"\r\n")?;
            }
            writer.write_all(b"0\r\n\r\n")?;
            writer.flush()
        });
        let mut status_line = String::new();
        let read = BufReader::new(&stream).read_line(&mut status_line);
        // Unblocks the sender if the worker stopped reading.
        let _ = stream.shutdown(Shutdown::Both);
        let _ = sender.join();
        read.unwrap_or_else(|e| panic!("POST {path} (chunked): no answer: {e}"));
        status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("POST {path} (chunked): not an HTTP answer: {status_line:?}"))
    }

    /// Runs SQL against this instance's local D1 and returns the rows of the last statement.
    pub fn sql(&self, sql: &str) -> Vec<serde_json::Value> {
        last_rows(&d1(&self.dir, &["execute", "--json", "--command", sql]))
    }
}

impl Drop for Worker {
    /// Stops wrangler and, unless the test failed, removes the instance's directory (its D1
    /// state and log run to megabytes each, and a full run starts hundreds); a failed test's
    /// directory stays under `tests/artifacts` to be read.
    fn drop(&mut self) {
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGTERM) };
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Runs `wrangler d1 <args> DB` against the local D1 under `dir/state`, configured by
/// `dir/wrangler.toml`, and returns what it printed; panics with its output if it failed.
/// The worker holds the same SQLite file: a command refused with `SQLITE_BUSY` (the worker was
/// writing; wrangler runs the command as one batch, so nothing of it was applied) is run again,
/// up to five times, a little later each time.
pub fn d1(dir: &Path, args: &[&str]) -> Vec<u8> {
    let mut tries = 0u64;
    loop {
        let out = d1_once(dir, args);
        // wrangler names the refusal on stdout, or answers "internal error" there and names it
        // on stderr (seen when the lock was met preparing the statement).
        let busy = !out.status.success()
            && [&out.stdout, &out.stderr]
                .iter()
                .any(|o| String::from_utf8_lossy(o).contains("SQLITE_BUSY"));
        tries += 1;
        if busy && tries < 5 {
            std::thread::sleep(std::time::Duration::from_millis(200 * tries));
            continue;
        }
        assert!(
            out.status.success(),
            "wrangler d1 {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        return out.stdout;
    }
}

fn d1_once(dir: &Path, args: &[&str]) -> std::process::Output {
    wrangler()
        .current_dir(dir)
        .arg("d1")
        .args(args)
        .args([
            "DB",
            "--local",
            "--config",
            "wrangler.toml",
            "--persist-to",
            "state",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("run wrangler d1")
}

/// The rows of the last statement in the output of `wrangler d1 execute --json`.
pub fn last_rows(json: &[u8]) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(json).expect("d1 json");
    v.as_array()
        .and_then(|a| a.last())
        .and_then(|r| r["results"].as_array())
        .cloned()
        .unwrap_or_default()
}

/// An HTTP response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// The body as a reader sees it: tags dropped, entities decoded ([`content::page_text`]).
    pub fn text(&self) -> String {
        content::page_text(&self.body)
    }
    /// The `name=value` of the cookie this response sets (empty if none).
    pub fn cookie(&self) -> String {
        self.header("Set-Cookie")
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .to_string()
    }
}

fn agent() -> &'static ureq::Agent {
    static A: OnceLock<ureq::Agent> = OnceLock::new();
    A.get_or_init(|| {
        ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .max_redirects_will_error(false)
                .timeout_global(Some(Duration::from_secs(30)))
                .build(),
        )
    })
}

pub fn try_request(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Result<Resp, ureq::Error> {
    let url = format!("{base}{path}");
    let mut b = ureq::http::Request::builder().method(method).uri(&url);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let req = b
        .body(body.map(<[u8]>::to_vec).unwrap_or_default())
        .map_err(|e| ureq::Error::BadUri(e.to_string()))?;
    let resp = agent().run(req)?;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = String::new();
    resp.into_body()
        .into_reader()
        .read_to_string(&mut body)
        .map_err(ureq::Error::Io)?;
    Ok(Resp {
        status,
        headers,
        body,
    })
}

/// `application/x-www-form-urlencoded`, as a browser sends it.
pub fn encode_form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).expect("form fields encode")
}

/// The fields of an `application/x-www-form-urlencoded` body, in order.
pub fn decode_form(body: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(body).unwrap_or_else(|e| panic!("not a form ({e}): {body}"))
}

/// The fields the monthly step's form (`#upsell-form`, #28 §2) carries, names and values as a
/// browser sends them (its two buttons left out); `None` when `page` is not the step.
pub fn upsell_fields(page: &Resp) -> Option<Vec<(String, String)>> {
    let start = page.body.find("id=\"upsell-form\"")?;
    let form = &page.body[start..];
    let form = &form[..form.find("</form>").unwrap_or(form.len())];
    let attr = |tag: &str, name: &str| {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(unescape(tag[at..].split('"').next().unwrap_or_default()))
    };
    Some(
        form.split("<input")
            .skip(1)
            .filter_map(|tag| {
                let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
                Some((attr(tag, "name")?, attr(tag, "value").unwrap_or_default()))
            })
            .collect(),
    )
}

/// An attribute's text as the browser reads it: the escapes the views write, undone.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Where a form's token sits in a page: `name="token" value="…"`.
const TOKEN_FIELD: &str = "name=\"token\" value=\"";

/// The part of a page from the element `id="{id}"` to the end of its `<section>`; panics if the
/// page has no such element, so a check made inside it never looks at the whole page instead.
pub fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} on the page: {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// Every form token on a page, in order.
pub fn tokens(body: &str) -> Vec<String> {
    body.match_indices(TOKEN_FIELD)
        .map(|(at, _)| {
            body[at + TOKEN_FIELD.len()..]
                .split('"')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// The token of the form `id="{form}"` (`comment-form`, `volunteer-form`) as served in `page`.
pub fn form_token(page: &Resp, form: &str) -> String {
    let start = page
        .body
        .find(&format!("id=\"{form}\""))
        .unwrap_or_else(|| panic!("no {form} on the page"));
    tokens(&page.body[start..])
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no token field in {form}"))
}

/// The header that moves the worker's clock by whole seconds, honoured on loopback hosts only
/// (the worker's `site::TEST_CLOCK_HEADER`).
pub const CLOCK: &str = "X-Test-Clock-Offset";

/// `n` tokens of the form `form`, each from a page of its own (a token is accepted once), old
/// enough already: the pages are served with the worker's clock 5 s behind, so the tokens say
/// they were issued 5 s ago and no test sleeps the 3 s minimum away.
pub fn aged_tokens(w: &Worker, form: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| form_token(&w.request("GET", "/", &[(CLOCK, "-5")], None), form))
        .collect()
}

/// One aged token of the form `form` ([`aged_tokens`]).
pub fn aged_token(w: &Worker, form: &str) -> String {
    aged_tokens(w, form, 1).remove(0)
}

/// The comment id in a `…#comment-N` URL or `Location`.
pub fn comment_id(url: &str) -> i64 {
    url.rsplit("#comment-")
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no #comment- anchor in {url:?}"))
}

/// A page with every form token replaced by `TOKEN`: tokens are filled in per response (each
/// is single-use), so two copies of one cached page differ only there.
pub fn mask_tokens(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(TOKEN_FIELD) {
        let start = at + TOKEN_FIELD.len();
        out.push_str(&rest[..start]);
        out.push_str("TOKEN");
        rest = &rest[start..];
        rest = &rest[rest.find('"').unwrap_or(0)..];
    }
    out.push_str(rest);
    out
}

/// A fresh visitor address per test case, so rate limits never cross tests. Every test of
/// `tests/it` runs in one binary, many at once, and the limits count per address: a case
/// number belongs to the one test that asked for it first, and another test asking for it
/// panics (each module's numbers: `tests/it/main.rs`).
pub fn ip(case: u32) -> String {
    claim_address(case);
    format!("198.51.{}.{}", (case >> 8) & 255, case & 255)
}

/// Records that the running test uses address `case`; panics if another test does. libtest
/// runs each test on a thread named after it; threads a test spawns itself have no name, and
/// their numbers are not recorded (they take theirs from the test's own range).
fn claim_address(case: u32) {
    static OWNERS: Mutex<Vec<(u32, String)>> = Mutex::new(Vec::new());
    let thread = std::thread::current();
    let Some(test) = thread.name().filter(|n| *n != "main") else {
        return;
    };
    let mut owners = OWNERS.lock().unwrap_or_else(|e| e.into_inner());
    match owners.iter().find(|(c, _)| *c == case) {
        Some((_, owner)) if owner != test => {
            let owner = owner.clone();
            drop(owners);
            panic!("ip({case}) is already {owner}'s: give {test} a number of its own (tests/it/main.rs lists each module's)");
        }
        Some(_) => {}
        None => owners.push((case, test.to_string())),
    }
}

/// The value every test instance has for the variable `name` ([`TEST_VARS`]).
pub fn test_var(name: &str) -> &'static str {
    TEST_VARS
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("no {name} in TEST_VARS"))
}

/// A pledge id (32 hex digits) made from a number, for rows a test inserts itself.
pub fn pid(n: u32) -> String {
    format!("{n:032x}")
}

/// Unix time in seconds, as the worker's clock reads it.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .expect("a clock after 1970")
}

/// The TOTP code an authenticator app shows for `secret_base32` at `unix` (SHA-1, 6 digits,
/// 30 s), made by the `otpauth` package through `tests/sign/totp.mjs`, never by the worker's
/// Rust code.
pub fn totp(secret_base32: &str, unix: i64) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let input = format!(
        "{}\n",
        serde_json::json!({"secret_base32": secret_base32, "time": unix})
    );
    let mut child = Command::new(root().join("node_modules/.bin/node"))
        .arg(root().join("tests/sign/totp.mjs"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run tests/sign/totp.mjs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("totp output");
    writer.join().expect("writer").expect("write to totp.mjs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let answer: serde_json::Value =
        serde_json::from_str(text.trim()).expect("totp.mjs answers one JSON line");
    answer["code"]
        .as_str()
        .unwrap_or_else(|| panic!("totp.mjs: {text}"))
        .to_string()
}

#[cfg(test)]
mod totp_tests {
    #[test]
    fn the_test_side_totp_passes_an_rfc_6238_vector() {
        // RFC 6238 Appendix B, SHA-1, T = 59: 94287082, of which an app shows the last six.
        assert_eq!(
            super::totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59),
            "287082"
        );
        // And it agrees with the site's own, at a moment whose code starts with a zero.
        assert_eq!(
            super::totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 1_111_111_109),
            app::account::totp::code(
                b"12345678901234567890",
                app::account::totp::step_at(1_111_111_109),
                app::account::totp::Algorithm::Sha1,
                6
            )
        );
    }
}
