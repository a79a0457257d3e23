//! Python feedparser as one more parser in the ratios benchmark, where it is installed.
//!
//! Policy: optional. The Python is `$TOOLS_VENV/bin/python`, else the project's
//! `.venv-tools/bin/python`, else `python3` on `PATH` (as the real-client tests pick it);
//! when feedparser does not import there, the benchmark prints why and goes on without it.
//! Entry point: [`Feedparser::start`]. One long-lived Python process holds both documents
//! and parses one on each request, so it takes part in the interleaved rounds like the
//! Rust parsers and interpreter start-up is never timed.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// Reads both documents once, checks them, then parses the one named on each stdin line
/// (`rss` or `atom`) and answers `done`.
const SERVER: &str = r#"
import sys, feedparser
docs = {}
for name, path in (("rss", sys.argv[1]), ("atom", sys.argv[2])):
    with open(path, "rb") as f:
        docs[name] = f.read()
    parsed = feedparser.parse(docs[name])
    print(name, len(parsed.entries), int(bool(parsed.bozo)), flush=True)
print("ready", feedparser.__version__, flush=True)
for line in sys.stdin:
    feedparser.parse(docs[line.strip()])
    print("done", flush=True)
"#;

/// A running Python feedparser holding the two benchmark documents.
pub struct Feedparser {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// feedparser's version, as it reports it.
    pub version: String,
}

impl Feedparser {
    /// Starts feedparser on the two documents, checking that it reads `n_articles`
    /// from each without complaint. `Err` says why it is not available.
    pub fn start(rss: &[u8], atom: &[u8], n_articles: usize) -> Result<Feedparser, String> {
        let python = python();
        let dir = tempfile::tempdir().map_err(|err| format!("temporary directory: {err}"))?;
        let (rss_path, atom_path) = (dir.path().join("rss.xml"), dir.path().join("atom.xml"));
        std::fs::write(&rss_path, rss).map_err(|err| format!("writing the document: {err}"))?;
        std::fs::write(&atom_path, atom).map_err(|err| format!("writing the document: {err}"))?;
        let mut child = Command::new(&python)
            .arg("-c")
            .arg(SERVER)
            .args([&rss_path, &atom_path])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot run `{}`: {err}", python.display()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("no pipes to the Python process".into());
        };
        let mut parser = Feedparser {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            version: String::new(),
        };
        for name in ["rss", "atom"] {
            let line = parser.line().map_err(|()| parser.failure(&python))?;
            let expected = format!("{name} {n_articles} 0");
            if line != expected {
                return Err(format!(
                    "feedparser read the {name} document as `{line}`, expected `{expected}` \
                     (name, entries, bozo)"
                ));
            }
        }
        let ready = parser.line().map_err(|()| parser.failure(&python))?;
        parser.version = ready.trim_start_matches("ready ").to_owned();
        Ok(parser)
    }

    /// Parses the document named `rss` or `atom` once; panics if the process died, as
    /// the benchmark's own parsers do when they fail.
    pub fn parse(&mut self, document: &str) {
        writeln!(self.stdin, "{document}").expect("feedparser process gone");
        let answer = self.line().expect("feedparser process gone");
        assert_eq!(answer, "done", "feedparser answered `{answer}`");
    }

    fn line(&mut self) -> Result<String, ()> {
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(n) if n > 0 => Ok(line.trim_end().to_owned()),
            _ => Err(()),
        }
    }

    /// Why the process stopped: the last line of its stderr (an `ImportError`, usually).
    fn failure(&mut self, python: &Path) -> String {
        let _ = self.child.wait();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        }
        let last = stderr.lines().last().unwrap_or("it exited");
        format!("feedparser does not run in `{}`: {last}", python.display())
    }
}

impl Drop for Feedparser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `$TOOLS_VENV/bin/python`, else `./.venv-tools/bin/python`, else `python3`.
fn python() -> PathBuf {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    match std::env::var_os("TOOLS_VENV").filter(|venv| !venv.is_empty()) {
        Some(venv) => PathBuf::from(venv).join("bin/python"),
        None if project.join(".venv-tools/bin/python").is_file() => {
            project.join(".venv-tools/bin/python")
        }
        None => PathBuf::from("python3"),
    }
}
