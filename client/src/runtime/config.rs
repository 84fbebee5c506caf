//! Where a terminal's settings come from: flags, then environment variables (both through
//! clap), then the terminal's config file, then defaults. The config file is TOML:
//!
//! ```toml
//! server = "https://exam.example.org"   # 考试服务器
//! seat = "07"                           # 本机座位号
//! journal_dir = "/var/lib/crane-exam"   # 本机答题日志目录
//! ```

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use super::ExamArgs;

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
        if !(server.starts_with("http://") || server.starts_with("https://")) {
            anyhow::bail!("服务器地址应以 http:// 或 https:// 开头：{server}");
        }
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
