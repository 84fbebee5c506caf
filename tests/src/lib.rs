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
        Server::start_env(data_dir, listen, demo, extra, &[])
    }

    /// [`Server::start_with`] with environment variables (e.g. `CRANE_EXAM__JWT_SECRET`).
    pub fn start_env(
        data_dir: tempfile::TempDir,
        listen: &str,
        demo: bool,
        extra: &[&std::ffi::OsStr],
        env: &[(&str, &str)],
    ) -> Server {
        let mut cmd = Command::new(binary("exam-server"));
        cmd.envs(env.iter().copied());
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

/// Sign in through `url` as the demo account of `role`; the staff token.
pub async fn staff_token(
    http: &reqwest::Client,
    url: &str,
    demo: &question_bank::wire::DemoFile,
    role: question_bank::wire::Role,
) -> String {
    let account = demo.account(role).expect("demo account of that role");
    token_from(
        http.post(format!("{url}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": account.username, "password": account.password})),
    )
    .await
}

/// Sign a candidate in through `url` with ticket and ID number; the candidate token.
pub async fn candidate_token(
    http: &reqwest::Client,
    url: &str,
    ticket: &str,
    id_number: &str,
) -> String {
    token_from(
        http.post(format!("{url}/api/v1/auth/candidate"))
            .json(&serde_json::json!({"ticket": ticket, "id_number": id_number})),
    )
    .await
}

async fn token_from(sign_in: reqwest::RequestBuilder) -> String {
    let resp = sign_in.send().await.expect("sign-in request");
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    assert!(status.is_success(), "sign-in refused ({status}): {body}");
    serde_json::from_str::<question_bank::wire::TokenResponse>(&body)
        .expect("a token response")
        .token
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

/// PostgreSQL for tests: a fresh database per test when `CRANE_EXAM_TEST_POSTGRES` is set.
pub mod pg {
    /// Where the suite runs against PostgreSQL: `CRANE_EXAM_TEST_POSTGRES`, a URL of a
    /// database the suite may create databases from (e.g.
    /// `postgres://postgres@127.0.0.1:5432/test`). Unset: SQLite.
    pub fn postgres_admin_url() -> Option<String> {
        std::env::var("CRANE_EXAM_TEST_POSTGRES")
            .ok()
            .filter(|u| !u.is_empty())
    }

    /// A PostgreSQL database created for one test.
    pub struct TestDatabase {
        admin_url: String,
        name: String,
        pub url: String,
    }

    impl TestDatabase {
        /// Create an empty database with a name no other test uses.
        pub async fn create(admin_url: &str) -> TestDatabase {
            use sqlx::Connection;
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let name = format!(
                "ce_test_{}_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                rand_suffix()
            );
            let mut admin = sqlx::PgConnection::connect(admin_url)
                .await
                .expect("connect to CRANE_EXAM_TEST_POSTGRES");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .expect("create test database");
            admin.close().await.ok();
            // postgres://user@host:port/admin_db -> postgres://user@host:port/<name>
            let base = admin_url.split('?').next().unwrap_or(admin_url);
            let root = base.rsplit_once('/').map_or(base, |(root, _)| root);
            TestDatabase {
                admin_url: admin_url.to_owned(),
                url: format!("{root}/{name}"),
                name,
            }
        }
    }

    fn rand_suffix() -> u32 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    }

    impl Drop for TestDatabase {
        fn drop(&mut self) {
            let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
            // Drop runs inside the test's runtime, which cannot block on itself.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut admin)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// A test CA and a server certificate it issued for `localhost` and 127.0.0.1.
pub mod pki {
    use std::path::PathBuf;

    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    use sha2::{Digest, Sha256};

    /// `ca.pem`, `cert.pem` and `key.pem` in a temporary directory.
    pub struct TestPki {
        dir: tempfile::TempDir,
        /// The CA certificate (PEM).
        pub ca_pem: String,
        /// SHA-256 of the server certificate's DER, hex: what `--pin-sha256` takes.
        pub pin: String,
    }

    impl TestPki {
        /// A fresh CA and certificate.
        pub fn new() -> TestPki {
            let dir = tempfile::tempdir().expect("temp dir");
            let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
            ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            ca_params
                .distinguished_name
                .push(DnType::CommonName, "CraneExam 测试 CA");
            let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
            let key = KeyPair::generate().unwrap();
            let cert = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .unwrap()
                .signed_by(&key, &ca)
                .unwrap();
            std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
            std::fs::write(dir.path().join("cert.pem"), cert.pem()).unwrap();
            std::fs::write(dir.path().join("key.pem"), key.serialize_pem()).unwrap();
            TestPki {
                dir,
                ca_pem: ca.pem(),
                pin: hex::encode(Sha256::digest(cert.der())),
            }
        }

        /// One of its files: `ca.pem`, `cert.pem`, `key.pem`.
        pub fn path(&self, name: &str) -> PathBuf {
            self.dir.path().join(name)
        }
    }

    impl Default for TestPki {
        fn default() -> Self {
            TestPki::new()
        }
    }
}
