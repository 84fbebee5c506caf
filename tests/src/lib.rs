//! Helpers for end-to-end tests: locate (building if needed) the real `exam-server` and
//! `exam-client` binaries and run them as a user would.
//!
//! Set `CRANE_EXAM_BIN_DIR` to test prebuilt (e.g. release) binaries instead.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Directory holding both binaries, built once per test process.
pub fn bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Ok(dir) = std::env::var("CRANE_EXAM_BIN_DIR") {
            return PathBuf::from(dir);
        }
        // target/<profile>/deps/<test binary> → target/<profile>
        let exe = std::env::current_exe().expect("current exe");
        let dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target/<profile>")
            .to_path_buf();
        let profile = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("debug")
            .to_owned();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--bins", "-p", "exam-server", "-p", "exam-client"]);
        if profile == "release" {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("run cargo build");
        assert!(status.success(), "building the binaries failed");
        dir
    })
}

/// Path of a binary.
pub fn binary(name: &str) -> PathBuf {
    bin_dir().join(name)
}

/// A running `exam-server`, killed on drop.
pub struct Server {
    child: Child,
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// Its data directory.
    pub data_dir: tempfile::TempDir,
}

impl Server {
    /// `exam-server serve --demo` on a free port with a fresh data directory.
    pub fn start_demo() -> Server {
        Server::start_in(tempfile::tempdir().expect("temp dir"), true)
    }

    /// `exam-server serve` on a free port over `data_dir`, seeding demo data if `demo`.
    pub fn start_in(data_dir: tempfile::TempDir, demo: bool) -> Server {
        Server::start_on(data_dir, "127.0.0.1:0", demo)
    }

    /// `exam-server serve` on `listen` over `data_dir` (to come back where terminals
    /// expect it after a crash), seeding demo data if `demo`.
    pub fn start_on(data_dir: tempfile::TempDir, listen: &str, demo: bool) -> Server {
        Server::start_with(data_dir, listen, demo, &[])
    }

    /// `exam-server serve` with `extra` flags (e.g. `--tls-cert`); the URL it prints
    /// (`https://…` with TLS) is [`Server::url`].
    pub fn start_with(
        data_dir: tempfile::TempDir,
        listen: &str,
        demo: bool,
        extra: &[&std::ffi::OsStr],
    ) -> Server {
        let mut cmd = Command::new(binary("exam-server"));
        cmd.args(["serve", "--listen", listen, "--data-dir"])
            .arg(data_dir.path())
            .args(extra);
        if demo {
            cmd.arg("--demo");
        }
        let mut child = cmd
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start exam-server");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = loop {
            assert!(Instant::now() < deadline, "server did not start");
            let line = lines
                .next()
                .expect("server exited before listening")
                .expect("read stdout");
            if let Some(url) = line.strip_prefix("exam-server listening on ") {
                break url.trim().to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server {
            child,
            url,
            data_dir,
        }
    }

    /// Kill the process with SIGKILL (no shutdown, as in a power cut for the process) and
    /// hand back its data directory.
    pub fn kill_hard(mut self) -> tempfile::TempDir {
        self.child.kill().expect("kill exam-server");
        self.child.wait().expect("reap exam-server");
        let placeholder = tempfile::tempdir().expect("temp dir");
        std::mem::replace(&mut self.data_dir, placeholder)
    }

    /// `<data-dir>/demo.json`.
    pub fn demo_file(&self) -> PathBuf {
        self.data_dir.path().join("demo.json")
    }

    /// The demo accounts, session and candidates (`--demo` servers).
    pub fn demo(&self) -> question_bank::wire::DemoFile {
        let text = std::fs::read_to_string(self.demo_file()).expect("read demo.json");
        serde_json::from_str(&text).expect("demo.json parses")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill(); // already gone is fine
        let _ = self.child.wait();
    }
}

/// Run `exam-client` with `args` (and optional stdin), returning (success, stdout, stderr).
pub fn run_client(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    run_binary("exam-client", args, stdin)
}

/// Run one of the binaries with `args` (and optional stdin), returning (success, stdout,
/// stderr).
pub fn run_binary(name: &str, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    use std::io::Write;
    let mut child = Command::new(binary(name))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {name}: {e}"));
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().expect("binary output");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
