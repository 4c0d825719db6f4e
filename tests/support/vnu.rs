//! The W3C Nu Html Checker (`vnu.jar`, from the npm package `vnu-jar`, which `make test-setup`
//! installs with the other JavaScript tools), run once over many saved pages: one JVM start,
//! whatever the number of pages. Someone else's reading of the HTML standard, not ours.

use super::root;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Java runtime the checker runs on (17 or later).
const JAVA: &str = "/usr/bin/java";

/// One error the checker reported.
#[derive(Clone, Debug)]
pub struct Problem {
    /// The checked file's name.
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
    /// The markup around it, as the checker quotes it.
    pub extract: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}\n    {:?}",
            self.file, self.line, self.column, self.message, self.extract
        )
    }
}

/// The checker, found where `npm ci` puts it, with a Java runtime to run it.
pub struct Checker {
    jar: PathBuf,
}

impl Checker {
    /// The checker; panics, saying what to do, if it or Java is missing. Nothing is skipped.
    pub fn find() -> Checker {
        let jar = root().join("node_modules/vnu-jar/build/dist/vnu.jar");
        assert!(
            jar.is_file(),
            "the HTML checker is missing ({}): run `make test-setup`, which installs vnu-jar with npm ci",
            jar.display()
        );
        assert!(
            Path::new(JAVA).is_file(),
            "{JAVA} is missing: the HTML checker needs a Java runtime, 17 or later (Debian: default-jre-headless)"
        );
        Checker { jar }
    }

    /// Checks `files` (HTML documents) in one run of the checker and returns every error it
    /// reported, in its order (an empty list: all valid). Panics if the checker itself fails.
    pub fn check(&self, files: &[PathBuf]) -> Vec<Problem> {
        let jar = &self.jar;
        assert!(!files.is_empty(), "no pages to check");
        let out = Command::new(JAVA)
            .arg("-jar")
            .arg(jar)
            .args(["--errors-only", "--format", "json", "--stdout"])
            .args(files)
            .output()
            .unwrap_or_else(|e| panic!("run {JAVA} -jar {}: {e}", jar.display()));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // 0: every document valid; 1: errors found. Anything else is the checker failing.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "the HTML checker failed ({}):\n{stdout}\n{stderr}",
            out.status
        );
        let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("the checker's report is not JSON ({e}):\n{stdout}\n{stderr}")
        });
        let messages = report["messages"]
            .as_array()
            .unwrap_or_else(|| panic!("no messages in the checker's report: {report}"));
        let problems: Vec<Problem> = messages
            .iter()
            .map(|m| Problem {
                file: m["url"]
                    .as_str()
                    .and_then(|u| u.rsplit('/').next())
                    .unwrap_or("?")
                    .to_string(),
                line: m["lastLine"].as_u64().unwrap_or(0),
                column: m["firstColumn"]
                    .as_u64()
                    .or(m["lastColumn"].as_u64())
                    .unwrap_or(0),
                message: format!(
                    "{}{}",
                    m["message"].as_str().unwrap_or("(no message)"),
                    match m["type"].as_str() {
                        Some("error") => String::new(),
                        other => format!(" [{}]", other.unwrap_or("?")),
                    }
                ),
                extract: m["extract"].as_str().unwrap_or_default().to_string(),
            })
            .collect();
        // The exit status and the report agree, or the report was not read right.
        assert_eq!(
            out.status.code() == Some(1),
            !problems.is_empty(),
            "exit status {} with {} messages:\n{stdout}",
            out.status,
            problems.len()
        );
        problems
    }
}
