//! A small WebDriver client for Debian's Chromium through chromedriver: plain JSON over HTTP,
//! enough for navigation, typing, clicking, script evaluation and screenshots.
//!
//! Scripts run through the automation protocol, not the page, so the page's CSP (which allows
//! no script at all) does not stop axe-core from being injected.

use base64::Engine;
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    /// Chromium's profile directory, removed with the browser unless the test failed.
    profile: std::path::PathBuf,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    /// Starts chromedriver and a headless Chromium window of `width` x `height` CSS pixels.
    pub fn start(width: u32, height: u32) -> Browser {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
            l.local_addr().expect("addr").port()
        };
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver (apt-get install chromium-driver)");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while super::try_request(&base, "GET", "/status", &[], None)
            .map(|r| r.status != 200)
            .unwrap_or(true)
        {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = super::artifacts().join(format!("chrome-profile-{port}"));
        let _ = std::fs::remove_dir_all(&profile);
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--window-size={width},{height}"),
                ]
            }
        }}});
        let mut b = Browser {
            driver,
            base,
            session: String::new(),
            profile,
        };
        let v = b.call("POST", "/session", Some(caps));
        b.session = v["sessionId"].as_str().expect("session id").to_string();
        b.set_viewport(width, height);
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url_path = if path == "/session" {
            path.to_string()
        } else {
            format!("/session/{}{}", self.session, path)
        };
        let body = body.unwrap_or(json!({})).to_string();
        let headers = [("Content-Type", "application/json")];
        let r = super::try_request(
            &self.base,
            method,
            &url_path,
            &headers,
            if method == "GET" {
                None
            } else {
                Some(body.as_bytes())
            },
        )
        .unwrap_or_else(|e| panic!("webdriver {method} {url_path}: {e}"));
        let v: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        if r.status >= 400 {
            panic!("webdriver {method} {url_path} -> {}: {}", r.status, r.body);
        }
        v["value"].clone()
    }

    fn try_call(&self, method: &str, path: &str) -> Result<Value, String> {
        let url_path = format!("/session/{}{}", self.session, path);
        let r = super::try_request(&self.base, method, &url_path, &[], None)
            .map_err(|e| e.to_string())?;
        let v: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        if r.status >= 400 {
            Err(v["value"]["error"].as_str().unwrap_or("error").to_string())
        } else {
            Ok(v["value"].clone())
        }
    }

    /// Makes the page's layout viewport exactly `width` x `height`.
    pub fn set_viewport(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
        let inner: Value = self.eval("return [window.innerWidth, window.innerHeight]", json!([]));
        let (iw, ih) = (
            inner[0].as_u64().unwrap_or(0) as u32,
            inner[1].as_u64().unwrap_or(0) as u32,
        );
        if iw != width || ih != height {
            self.call(
                "POST",
                "/window/rect",
                Some(json!({"width": 2 * width - iw, "height": 2 * height - ih})),
            );
        }
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub fn eval(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Like [`Browser::eval`], but an error (a page still loading, an open dialog) is returned,
    /// not a panic: for polling across a navigation.
    pub fn try_eval(&self, script: &str, args: Value) -> Result<Value, String> {
        let url_path = format!("/session/{}/execute/sync", self.session);
        let body = json!({"script": script, "args": args}).to_string();
        let r = super::try_request(
            &self.base,
            "POST",
            &url_path,
            &[("Content-Type", "application/json")],
            Some(body.as_bytes()),
        )
        .map_err(|e| e.to_string())?;
        let v: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
        if r.status >= 400 {
            Err(format!(
                "{}: {}",
                v["value"]["error"].as_str().unwrap_or("error"),
                v["value"]["message"].as_str().unwrap_or_default()
            ))
        } else {
            Ok(v["value"].clone())
        }
    }

    /// Polls `script` until it returns something other than `null`/`false` (at most `secs`
    /// seconds) and returns that value; panics with `what` otherwise.
    pub fn wait_for(&self, what: &str, secs: u64, script: &str, args: Value) -> Value {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let last = match self.try_eval(script, args.clone()) {
                Ok(v) if !v.is_null() && v != Value::Bool(false) => return v,
                Ok(v) => v.to_string(),
                Err(e) => e,
            };
            if Instant::now() > deadline {
                panic!(
                    "timed out after {secs} s waiting for {what} (last: {last}) at {}",
                    self.try_url()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn try_url(&self) -> String {
        self.try_call("GET", "/url")
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Clicks `css` and waits until the navigation it starts has loaded a new document.
    pub fn click_and_wait(&self, css: &str) {
        self.eval("window.__before_nav = true; return true;", json!([]));
        self.click(css);
        self.wait_for(
            &format!("a new page after clicking {css}"),
            30,
            "return document.readyState === 'complete' && window.__before_nav !== true;",
            json!([]),
        );
    }

    /// Sends `CF-Connecting-IP: ip` with every request this session makes (through the DevTools
    /// protocol), as Cloudflare would: rate limits then count each test case on its own.
    pub fn set_ip(&self, ip: &str) {
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Network.enable", "params": {}})),
        );
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Network.setExtraHTTPHeaders", "params": {"headers": {"CF-Connecting-IP": ip}}})),
        );
    }

    /// Gives the browser a cookie for `url` (`name=value`, as a `Cookie` header carries it),
    /// `HttpOnly; Secure; SameSite=Strict` with the path of `url`: a session signed in over
    /// HTTP, without typing into a form.
    pub fn set_cookie(&self, url: &str, cookie: &str) {
        let (name, value) = cookie.split_once('=').expect("a cookie as name=value");
        let path = url
            .split("://")
            .nth(1)
            .and_then(|rest| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or("/");
        let set = self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": "Network.setCookie", "params": {
                "name": name, "value": value, "url": url, "path": path,
                "httpOnly": true, "secure": true, "sameSite": "Strict"
            }})),
        );
        assert_eq!(set["success"], true, "Network.setCookie for {url}: {set}");
    }

    pub fn find(&self, css: &str) -> String {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    pub fn click(&self, css: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    /// Types into a field as a person would (after clearing it).
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/clear"), Some(json!({})));
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        );
    }

    pub fn text(&self, css: &str) -> String {
        let id = self.find(css);
        self.call("GET", &format!("/element/{id}/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The text of an open alert/confirm/prompt dialog, if any.
    pub fn dialog(&self) -> Option<String> {
        self.try_call("GET", "/alert/text")
            .ok()
            .map(|v| v.as_str().unwrap_or_default().to_string())
    }

    pub fn screenshot(&self, path: &Path) {
        let v = self.call("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .expect("png base64");
        std::fs::write(path, png).expect("write screenshot");
    }

    /// A screenshot of the whole page, not just the viewport (through the DevTools protocol).
    pub fn full_screenshot(&self, path: &Path) {
        let cdp = |cmd: &str, params: Value| {
            self.call(
                "POST",
                "/goog/cdp/execute",
                Some(json!({"cmd": cmd, "params": params})),
            )
        };
        let size = cdp("Page.getLayoutMetrics", json!({}))["cssContentSize"].clone();
        let clip =
            json!({"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1});
        let v = cdp(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true, "clip": clip}),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(v["data"].as_str().unwrap_or_default())
            .expect("png base64");
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Injects axe-core (from node_modules) and returns its violations of impact serious or
    /// critical, as `(id, impact, help, first target)` lines.
    pub fn axe_serious(&self) -> Vec<String> {
        let axe = std::fs::read_to_string(super::root().join("node_modules/axe-core/axe.min.js"))
            .expect("axe-core in node_modules");
        self.eval(&format!("{axe}\n;return true;"), json!([]));
        let script = "const done = arguments[arguments.length - 1];\
            axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => \
              [v.id, v.impact, v.help, (v.nodes[0] && v.nodes[0].target.join(' ')) || ''])), e => done([['axe-error', 'critical', String(e), '']]));";
        let v = self.call(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        );
        v.as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|x| matches!(x[1].as_str(), Some("serious") | Some("critical")))
            .map(|x| format!("{} ({}): {} at {}", x[0], x[1], x[2], x[3]))
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = super::try_request(
            &self.base,
            "DELETE",
            &format!("/session/{}", self.session),
            &[],
            None,
        );
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.profile);
        }
    }
}
