//! HTTPS between the real binaries: `exam-server` with a certificate from the
//! institution's CA; `exam-client` trusting that CA (`--ca-file`) or pinning the
//! certificate (`--pin-sha256`), and refusing anything else.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use e2e_tests::{run_client, Server};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use sha2::{Digest, Sha256};

/// The CA certificate, the server's certificate and key, and the certificate's pin.
struct Pki {
    dir: tempfile::TempDir,
    pin: String,
}

impl Pki {
    fn new() -> Pki {
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
        let pin = hex::encode(Sha256::digest(cert.der()));
        Pki { dir, pin }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// One headless terminal sits the demo exam over `server.url` with `flags`.
fn simulate(server: &Server, flags: &[&str]) -> (bool, String) {
    let demo = server.demo_file();
    let mut args = vec![
        "simulate",
        "--server",
        &server.url,
        "--demo-file",
        demo.to_str().unwrap(),
        "--terminals",
        "1",
        "--think-ms",
        "0",
    ];
    args.extend_from_slice(flags);
    let (ok, stdout, stderr) = run_client(&args, None);
    (ok, format!("stdout: {stdout}\nstderr: {stderr}"))
}

fn start_tls_server(pki: &Pki) -> Server {
    let (cert, key) = (pki.path("cert.pem"), pki.path("key.pem"));
    let flags: [&OsStr; 4] = [
        OsStr::new("--tls-cert"),
        cert.as_os_str(),
        OsStr::new("--tls-key"),
        key.as_os_str(),
    ];
    Server::start_with(tempfile::tempdir().unwrap(), "127.0.0.1:0", true, &flags)
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

#[test]
fn terminals_reach_a_tls_server_through_its_ca_or_its_pin_and_nothing_else() {
    let pki = Pki::new();
    let server = start_tls_server(&pki);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let ca = pki.path("ca.pem");

    let (ok, out) = simulate(&server, &["--ca-file", arg(&ca)]);
    assert!(ok, "with the CA file\n{out}");
    let (ok, out) = simulate(&server, &["--pin-sha256", &pki.pin]);
    assert!(ok, "with the right pin\n{out}");
    let (ok, out) = simulate(&server, &["--ca-file", arg(&ca), "--pin-sha256", &pki.pin]);
    assert!(ok, "with the CA file and the right pin\n{out}");

    let wrong = "00".repeat(32);
    let (ok, out) = simulate(&server, &["--pin-sha256", &wrong]);
    assert!(
        !ok && out.contains("pin mismatch"),
        "with a wrong pin\n{out}"
    );
    let (ok, out) = simulate(&server, &["--ca-file", arg(&ca), "--pin-sha256", &wrong]);
    assert!(
        !ok && out.contains("pin mismatch"),
        "CA file, wrong pin\n{out}"
    );
    let (ok, out) = simulate(&server, &[]);
    assert!(!ok && out.contains("certificate"), "without the CA\n{out}");
}
