//! HTTPS between the real binaries: `exam-server` with a certificate from the
//! institution's CA; `exam-client` trusting that CA (`--ca-file`) or pinning the
//! certificate (`--pin-sha256`), and refusing anything else.

use std::ffi::OsStr;
use std::path::Path;

use e2e_tests::pki::TestPki;
use e2e_tests::{run_client, Server};

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

fn start_tls_server(pki: &TestPki) -> Server {
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
    let pki = TestPki::new();
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
