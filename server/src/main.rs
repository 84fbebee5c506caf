//! `exam-server`: run the server, print an example config, check bank files.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use exam_server::config::{Settings, EXAMPLE};
use exam_server::startup::Application;
use exam_server::{archive_cli, bank_cli, demo, ops_cli, telemetry};
use question_bank::wire::Role;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "exam-server",
    version,
    about = "CraneExam 起重机作业人员考试系统 server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the exam server.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Data directory for the SQLite database and keys [default: ./exam-data].
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Configuration file (TOML); see `exam-server config example`.
        #[arg(long)]
        config: Option<PathBuf>,
        /// PostgreSQL instead of SQLite: postgres://user:password@host:5432/db (config
        /// key database_url, env CRANE_EXAM__DATABASE_URL).
        #[arg(long)]
        database_url: Option<String>,
        /// Seed demo accounts (fresh random passwords) and an open demo session; writes
        /// <data-dir>/demo.json.
        #[arg(long)]
        demo: bool,
        /// Log JSON lines instead of text.
        #[arg(long)]
        log_json: bool,
        /// PEM certificate chain for HTTPS (with --tls-key; config key tls_cert).
        #[arg(long)]
        tls_cert: Option<String>,
        /// PEM private key for HTTPS (config key tls_key).
        #[arg(long)]
        tls_key: Option<String>,
        /// Serve plain HTTP on a non-loopback address (e.g. behind a TLS proxy).
        #[arg(long)]
        allow_plain_http: bool,
    },
    /// The institution: check it against the annex's rules (考试机构基本条件核查).
    Institution {
        /// Data directory holding the database [default: ./exam-data].
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Configuration file (TOML).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write a consistent copy of the live database while the server runs (online
    /// backup), then check the copy.
    Backup {
        /// The copy to write (must not exist yet).
        #[arg(short, long)]
        output: PathBuf,
        /// Data directory holding the database [default: ./exam-data].
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Configuration file (TOML).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Staff accounts: the first administrator, password resets.
    User {
        #[command(subcommand)]
        command: UserCommand,
        /// Data directory holding the database [default: ./exam-data].
        #[arg(long, global = true)]
        data_dir: Option<PathBuf>,
        /// Configuration file (TOML).
        #[arg(long, global = true)]
        config: Option<PathBuf>,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Question bank tools.
    Bank {
        #[command(subcommand)]
        command: BankCommand,
    },
    /// Sealed archive (自动记录存档): verify, export a bundle.
    Archive {
        #[command(subcommand)]
        command: ArchiveCommand,
        /// Data directory holding the database and signing key [default: ./exam-data].
        #[arg(long, global = true)]
        data_dir: Option<PathBuf>,
        /// Configuration file (TOML).
        #[arg(long, global = true)]
        config: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ArchiveCommand {
    /// Re-check every record's hash, the chain and the signatures, and re-score every
    /// theory paper from its bank version. Exit status 1 when anything is wrong.
    Verify {
        /// Verify an exported bundle (offline) instead of the database.
        #[arg(long)]
        bundle: Option<PathBuf>,
        /// Trust only this Ed25519 public key (hex, from GET /api/v1/archives/keys).
        #[arg(long)]
        public_key: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Export every record, the public keys and the bank versions as one zip bundle.
    Export {
        /// Output file (.zip).
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account; prints a generated password unless --password-stdin.
    Add {
        /// Sign-in name (3–32 letters, digits, `.`, `_`, `-`).
        #[arg(long)]
        username: String,
        /// admin, examiner, assessor or certifier.
        #[arg(long, value_parser = parse_staff_role)]
        role: Role,
        /// Name shown in the console and the audit log.
        #[arg(long)]
        name: String,
        /// Read the password from the first line of stdin instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give an account a new password; prints a generated one unless --password-stdin.
    SetPassword {
        /// Sign-in name.
        #[arg(long)]
        username: String,
        /// Read the password from the first line of stdin instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

fn parse_staff_role(s: &str) -> Result<Role, String> {
    Role::parse(s)
        .filter(|r| *r != Role::Candidate)
        .ok_or_else(|| "expected admin, examiner, assessor or certifier".to_owned())
}

/// Settings from `config` (and the environment), with `data_dir` from the command line.
fn settings(
    config: Option<&std::path::Path>,
    data_dir: Option<PathBuf>,
) -> anyhow::Result<Settings> {
    let mut settings = Settings::load(config)?;
    if let Some(d) = data_dir {
        settings.data_dir = d;
    }
    Ok(settings)
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print a commented example configuration file.
    Example,
}

#[derive(Subcommand)]
enum BankCommand {
    /// Validate bank files (TOML); without paths, the bundled banks. Reports schema
    /// errors, near-duplicate questions, topics outside the syllabus, pools too small for
    /// the standard blueprint and uneven exposure.
    Check {
        /// Bank files (.toml, .xlsx, .csv, .xml Moodle, .gift, .txt Aiken, .zip QTI).
        paths: Vec<PathBuf>,
        /// Treat warnings as errors (CI does).
        #[arg(long)]
        strict: bool,
        /// Print the coverage table (area × kind × difficulty, topics) per subject.
        #[arg(long)]
        coverage: bool,
        #[command(flatten)]
        defaults: bank_cli::Defaults,
    },
    /// Write the empty Excel template (annotated columns, examples, topic list).
    Template {
        /// Output file.
        #[arg(short, long, default_value = "craneexam-bank-template.xlsx")]
        output: PathBuf,
    },
    /// Convert a bank file between formats (format from extensions or --from/--to).
    Convert {
        /// Input file.
        input: PathBuf,
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
        /// Output format: toml, xlsx, csv, moodle, gift, qti21, qti30.
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        defaults: bank_cli::Defaults,
    },
    /// Export the bundled banks as one file.
    Export {
        /// Output file.
        #[arg(short, long)]
        output: PathBuf,
        /// Output format: toml, xlsx, csv, moodle, gift, qti21, qti30.
        #[arg(long)]
        to: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve {
            listen,
            data_dir,
            config,
            database_url,
            demo,
            log_json,
            tls_cert,
            tls_key,
            allow_plain_http,
        } => {
            telemetry::init(log_json);
            let mut settings = settings(config.as_deref(), data_dir)?;
            if let Some(l) = listen {
                settings.listen = l;
            }
            if let Some(url) = database_url {
                settings.database_url = exam_server::config::Secret(url);
            }
            if let Some(c) = tls_cert {
                settings.tls_cert = c;
            }
            if let Some(k) = tls_key {
                settings.tls_key = k;
            }
            settings.allow_plain_http |= allow_plain_http;
            serve(settings, demo).await
        }
        Command::Institution {
            data_dir,
            config,
            json,
        } => {
            let settings = settings(config.as_deref(), data_dir)?;
            let store = exam_server::store::Store::open_existing(&settings).await?;
            let report = exam_server::service::institution::compliance(&store)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!(
                    "{}",
                    exam_server::service::institution::compliance_table(&report)
                );
            }
            store.close().await;
            if report.report.passed {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        Command::Config {
            command: ConfigCommand::Example,
        } => {
            print!("{EXAMPLE}");
            Ok(())
        }
        Command::Bank { command } => match command {
            BankCommand::Check {
                paths,
                strict,
                coverage,
                defaults,
            } => bank_cli::check(&paths, &defaults, strict, coverage),
            BankCommand::Template { output } => bank_cli::template(&output),
            BankCommand::Convert {
                input,
                output,
                to,
                defaults,
            } => bank_cli::convert(&input, &output, to.as_deref(), &defaults),
            BankCommand::Export { output, to } => bank_cli::export_bundled(&output, to.as_deref()),
        },
        Command::Backup {
            output,
            data_dir,
            config,
        } => ops_cli::backup(&settings(config.as_deref(), data_dir)?, &output).await,
        Command::User {
            command,
            data_dir,
            config,
        } => {
            let settings = settings(config.as_deref(), data_dir)?;
            match command {
                UserCommand::Add {
                    username,
                    role,
                    name,
                    password_stdin,
                } => ops_cli::add_user(&settings, &username, role, &name, password_stdin).await,
                UserCommand::SetPassword {
                    username,
                    password_stdin,
                } => ops_cli::set_password(&settings, &username, password_stdin).await,
            }
        }
        Command::Archive {
            command,
            data_dir,
            config,
        } => {
            let settings = settings(config.as_deref(), data_dir)?;
            match command {
                ArchiveCommand::Verify {
                    bundle,
                    public_key,
                    json,
                } => {
                    let ok = archive_cli::verify(
                        &settings,
                        bundle.as_deref(),
                        public_key.as_deref(),
                        json,
                    )
                    .await?;
                    if !ok {
                        std::process::exit(1);
                    }
                    Ok(())
                }
                ArchiveCommand::Export { output } => archive_cli::export(&settings, &output).await,
            }
        }
    }
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let app = Application::build(settings.clone()).await?;
    let host = match settings.listen.ip() {
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let url = format!("{}://{host}:{}", app.scheme(), app.port());
    if demo {
        let seeded = demo::seed(app.state(), &url)
            .await
            .context("seed demo data")?;
        println!(
            "演示数据已创建 demo data ready: session {} with {} candidates",
            seeded.session_id,
            seeded.candidates.len()
        );
        for a in &seeded.accounts {
            println!(
                "  {:<10} {:<10} password {}",
                a.role.as_str(),
                a.username,
                a.password
            );
        }
        println!(
            "  written to {}",
            settings.data_dir.join("demo.json").display()
        );
    }
    println!("exam-server listening on {url}");
    app.run_until_stopped().await?;
    Ok(())
}
