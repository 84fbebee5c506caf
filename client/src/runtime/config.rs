//! Where a terminal's settings come from: flags, then environment variables (both through
//! clap), then the terminal's config file, then defaults. The config file is TOML:
//!
//! ```toml
//! server = "https://exam.example.org"   # 考试服务器
//! seat = "07"                           # 本机座位号
//! journal_dir = "/var/lib/crane-exam"   # 本机答题日志目录
//! ca_file = "/etc/crane-exam/ca.pem"    # 考试机构 CA 证书 (PEM)
//! pin_sha256 = "…"                      # 服务器证书 SHA-256 指纹 (optional)
//! allow_plain_http = false              # 允许明文 HTTP 连接其他主机
//! ```

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use super::ExamArgs;
use crate::tls::{Transport, TransportArgs};

/// Read when `--config` is not given and the file exists.
pub const DEFAULT_CONFIG: &str = "/etc/crane-exam/terminal.toml";
const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";
const DEFAULT_JOURNAL_DIR: &str = "exam-journal";
/// File in the journal directory holding this terminal's id.
const TERMINAL_ID_FILE: &str = "terminal-id";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    server: Option<String>,
    seat: Option<String>,
    journal_dir: Option<PathBuf>,
    ca_file: Option<PathBuf>,
    pin_sha256: Option<String>,
    allow_plain_http: Option<bool>,
}

/// The terminal's settings, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalConfig {
    /// Server base URL.
    pub server: String,
    /// Seat label, if configured.
    pub seat: Option<String>,
    /// Journal directory (created if missing).
    pub journal_dir: PathBuf,
    /// This terminal's id, kept in the journal directory across restarts.
    pub terminal_id: String,
    /// Trusted CA, certificate pin, plain-HTTP permission.
    pub transport: Transport,
}

impl TerminalConfig {
    /// Resolve `args` against the config file and defaults; creates the journal
    /// directory and the terminal id on first use.
    pub fn resolve(args: &ExamArgs) -> anyhow::Result<TerminalConfig> {
        let file = match &args.config {
            Some(path) => read(path)?,
            None if Path::new(DEFAULT_CONFIG).exists() => read(Path::new(DEFAULT_CONFIG))?,
            None => FileConfig::default(),
        };
        let server = args
            .server
            .clone()
            .or(file.server)
            .unwrap_or_else(|| DEFAULT_SERVER.to_owned());
        let flags = &args.transport;
        let transport = Transport::from_args(&TransportArgs {
            ca_file: flags.ca_file.clone().or(file.ca_file),
            pin_sha256: flags.pin_sha256.clone().or(file.pin_sha256),
            allow_plain_http: flags.allow_plain_http || file.allow_plain_http.unwrap_or(false),
        })?;
        transport.check_url(&server)?;
        let seat = args
            .seat
            .clone()
            .or(file.seat)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let journal_dir = args
            .journal_dir
            .clone()
            .or(file.journal_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_JOURNAL_DIR));
        std::fs::create_dir_all(&journal_dir)
            .with_context(|| format!("无法创建答题日志目录 {}", journal_dir.display()))?;
        let terminal_id = terminal_id(&journal_dir)?;
        Ok(TerminalConfig {
            server,
            seat,
            journal_dir,
            terminal_id,
            transport,
        })
    }
}

fn read(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取终端配置文件 {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("终端配置文件 {} 有误", path.display()))
}

/// This terminal's id: made up once (random) and kept in `dir`, so a restarted terminal
/// is the same terminal to the server and resumes its paper without an invigilator.
fn terminal_id(dir: &Path) -> anyhow::Result<String> {
    let path = dir.join(TERMINAL_ID_FILE);
    if let Ok(id) = std::fs::read_to_string(&path) {
        let id = id.trim();
        if !id.is_empty() {
            return Ok(id.to_owned());
        }
    }
    let id = format!("t-{:016x}", rand::random::<u64>());
    let tmp = dir.join(format!("{TERMINAL_ID_FILE}.tmp"));
    std::fs::write(&tmp, &id)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(dir: &Path) -> ExamArgs {
        ExamArgs {
            server: None,
            seat: None,
            journal_dir: Some(dir.join("journal")),
            config: None,
            transport: TransportArgs::default(),
        }
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("terminal.toml");
        std::fs::write(&file, "server = \"https://exam.lan\"\nseat = \"07\"\n").unwrap();
        let mut a = args(dir.path());
        a.config = Some(file);
        let c = TerminalConfig::resolve(&a).unwrap();
        assert_eq!(
            (c.server.as_str(), c.seat.as_deref()),
            ("https://exam.lan", Some("07"))
        );
        a.seat = Some("12".into());
        assert_eq!(
            TerminalConfig::resolve(&a).unwrap().seat.as_deref(),
            Some("12")
        );
    }

    #[test]
    fn the_terminal_id_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let first = TerminalConfig::resolve(&args(dir.path())).unwrap();
        let again = TerminalConfig::resolve(&args(dir.path())).unwrap();
        assert!(first.terminal_id.starts_with("t-"));
        assert_eq!(first.terminal_id, again.terminal_id);
        let other = tempfile::tempdir().unwrap();
        assert_ne!(
            first.terminal_id,
            TerminalConfig::resolve(&args(other.path()))
                .unwrap()
                .terminal_id
        );
    }

    #[test]
    fn transport_settings_come_from_the_file_and_plain_http_stays_on_this_machine() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("terminal.toml");
        let pin = "ab".repeat(32);
        std::fs::write(
            &file,
            format!("server = \"https://exam.lan\"\nca_file = \"/etc/ca.pem\"\npin_sha256 = \"{pin}\"\n"),
        )
        .unwrap();
        let mut a = args(dir.path());
        a.config = Some(file.clone());
        let c = TerminalConfig::resolve(&a).unwrap();
        assert_eq!(
            c.transport.ca_file.as_deref(),
            Some(Path::new("/etc/ca.pem"))
        );
        assert_eq!(c.transport.pin, Some(pin.parse().unwrap()));
        a.server = Some("http://exam.lan:8080".into());
        let e = TerminalConfig::resolve(&a).unwrap_err().to_string();
        assert!(e.contains("--allow-plain-http"), "{e}");
        std::fs::write(&file, "allow_plain_http = true\n").unwrap();
        assert!(
            TerminalConfig::resolve(&a)
                .unwrap()
                .transport
                .allow_plain_http
        );
    }

    #[test]
    fn a_bad_file_or_url_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("terminal.toml");
        std::fs::write(&file, "sever = \"typo\"\n").unwrap();
        let mut a = args(dir.path());
        a.config = Some(file);
        let e = format!("{:#}", TerminalConfig::resolve(&a).unwrap_err());
        assert!(e.contains("终端配置文件") && e.contains("sever"), "{e}");
        let mut a = args(dir.path());
        a.server = Some("exam.lan:8080".into());
        assert!(TerminalConfig::resolve(&a)
            .unwrap_err()
            .to_string()
            .contains("http://"));
    }
}
