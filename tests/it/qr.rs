//! The enrolment's QR code (`app::account::qr::svg`) read back by an independent decoder
//! (the `jsqr` package, through `tests/sign/qr-decode.mjs`): what a phone's camera would read
//! is the `otpauth://` URI that was drawn. No worker needed.

use campaign_tests::root;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

fn decode(svgs: &[String]) -> Vec<Value> {
    let input: String = svgs
        .iter()
        .map(|s| format!("{}\n", json!({ "svg": s })))
        .collect();
    let mut child = Command::new(root().join("node_modules/.bin/node"))
        .arg(root().join("tests/sign/qr-decode.mjs"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run tests/sign/qr-decode.mjs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("decoder output");
    writer.join().expect("writer").expect("write to decoder");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("decoder json"))
        .collect()
}

#[test]
fn the_qr_code_reads_back_as_the_uri_it_was_drawn_from() {
    use app::account::totp::{otpauth_uri, SECRET_BYTES};
    let texts = [
        otpauth_uri("Campaign", "sokha", b"12345678901234567890"),
        otpauth_uri(
            "ស្ត្រី ដឹកនាំ",
            "a.long.account-name_with~everything",
            &[0xa5; SECRET_BYTES],
        ),
        "x".into(),
        "y".repeat(600),
    ];
    let svgs: Vec<String> = texts
        .iter()
        .map(|t| app::account::qr::svg(t).expect("fits in a QR code"))
        .collect();
    let read = decode(&svgs);
    assert_eq!(read.len(), texts.len());
    for (text, read) in texts.iter().zip(&read) {
        assert_eq!(read["text"].as_str(), Some(text.as_str()), "{read}");
    }
    // The decoder can say no: the same code with a third of its modules dropped is not read.
    let (head, path) = svgs[0].split_once(" d=\"").expect("a path");
    let thinned: String = path
        .split('M')
        .enumerate()
        .filter(|(i, _)| i % 3 != 1)
        .map(|(_, m)| m)
        .collect::<Vec<_>>()
        .join("M");
    let read = decode(&[format!("{head} d=\"{thinned}")]);
    assert!(read[0].get("error").is_some(), "{}", read[0]);
}
