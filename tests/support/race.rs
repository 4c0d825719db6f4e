//! Requests that arrive at the same instant.
//!
//! Plain parallel requests do not race here: locally one isolate runs every request, and the
//! synchronous password hash serialises them. So each request of a race is written on its own
//! raw TCP connection whole but for the last byte of its body, which the worker is left
//! waiting for; once every connection is in, all the last bytes go out together. Every
//! handler has then read its route and headers and waits on its body at the same point, as
//! many isolates side by side would in production. `ureq` cannot hold a byte back, hence the
//! hand-written HTTP/1.1 here (`Connection: close`, the answer read to the end).

use crate::{Resp, Worker};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One request of a race. Its body must not be empty: its last byte is what is held back.
#[derive(Clone, Debug)]
pub struct Racer {
    pub method: &'static str,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Racer {
    /// A form post from the visitor at `ip`, url-encoded as a browser sends it.
    pub fn form(path: &str, ip: &str, extra: &[(&str, &str)], fields: &[(&str, &str)]) -> Racer {
        let mut headers = vec![
            ("CF-Connecting-IP".to_string(), ip.to_string()),
            (
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded".to_string(),
            ),
        ];
        headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Racer {
            method: "POST",
            path: path.to_string(),
            headers,
            body: crate::encode_form(fields).into_bytes(),
        }
    }
}

/// How long the held connections are given to reach the worker before the last bytes go.
const SETTLE: Duration = Duration::from_millis(300);

impl Worker {
    /// Sends `racers` so that they arrive together (the module's doc) and returns their
    /// answers in the same order.
    pub fn race(&self, racers: &[Racer]) -> Vec<Resp> {
        let mut held = Vec::with_capacity(racers.len());
        for r in racers {
            assert!(!r.body.is_empty(), "a racer needs a body to hold back");
            let mut stream = TcpStream::connect(("127.0.0.1", self.port))
                .unwrap_or_else(|e| panic!("{} {}: connect: {e}", r.method, r.path));
            stream
                .set_read_timeout(Some(Duration::from_secs(60)))
                .expect("a read timeout");
            stream.set_nodelay(true).expect("no delay");
            let mut head = format!(
                "{} {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\nConnection: close\r\n",
                r.method,
                r.path,
                self.port,
                r.body.len()
            );
            for (k, v) in &r.headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let (most, _) = r.body.split_at(r.body.len() - 1);
            stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.write_all(most))
                .and_then(|()| stream.flush())
                .unwrap_or_else(|e| panic!("{} {}: send: {e}", r.method, r.path));
            held.push(stream);
        }
        std::thread::sleep(SETTLE);
        for (stream, r) in held.iter_mut().zip(racers) {
            let last = &r.body[r.body.len() - 1..];
            stream
                .write_all(last)
                .and_then(|()| stream.flush())
                .unwrap_or_else(|e| panic!("{} {}: last byte: {e}", r.method, r.path));
        }
        let readers: Vec<_> = held
            .into_iter()
            .zip(racers)
            .map(|(mut stream, r)| {
                let what = format!("{} {}", r.method, r.path);
                std::thread::spawn(move || {
                    let mut raw = Vec::new();
                    stream
                        .read_to_end(&mut raw)
                        .unwrap_or_else(|e| panic!("{what}: no answer: {e}"));
                    parse(&raw).unwrap_or_else(|e| panic!("{what}: {e}"))
                })
            })
            .collect();
        readers
            .into_iter()
            .map(|t| t.join().expect("a reader thread"))
            .collect()
    }
}

/// An HTTP/1.1 answer read to the connection's end: status, headers, and the body as sent
/// (`Content-Length`, chunked, or up to the close).
fn parse(raw: &[u8]) -> Result<Resp, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("not an HTTP answer: {:?}", String::from_utf8_lossy(raw)))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let rest = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line: {head:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    let body = if chunked {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    Ok(Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunk without its size line")?;
        let size_text = String::from_utf8_lossy(&rest[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|e| format!("chunk size {size_text:?}: {e}"))?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = rest.get(..size).ok_or("a chunk cut short")?;
        out.extend_from_slice(chunk);
        rest = rest.get(size + 2..).ok_or("a chunk without its end")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chunked_and_plain_answers() {
        let plain = parse(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno").unwrap();
        assert_eq!((plain.status, plain.body.as_str()), (403, "no"));
        let chunked =
            parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n")
                .unwrap();
        assert_eq!((chunked.status, chunked.body.as_str()), (200, "abcde"));
        assert_eq!(chunked.header("transfer-encoding"), Some("chunked"));
        assert!(parse(b"garbage").is_err());
        assert!(dechunk(b"5\r\nab").is_err());
    }
}
