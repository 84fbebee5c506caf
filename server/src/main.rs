//! `exam-server`: run the server, print an example config, check bank files.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use exam_server::config::{Settings, EXAMPLE};
use exam_server::startup::Application;
use exam_server::{demo, telemetry};
use question_bank::formats::parse_bank_toml;

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
        /// Seed demo accounts (fresh random passwords) and an open demo session; writes
        /// <data-dir>/demo.json.
        #[arg(long)]
        demo: bool,
        /// Log JSON lines instead of text.
        #[arg(long)]
        log_json: bool,
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
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print a commented example configuration file.
    Example,
}

#[derive(Subcommand)]
enum BankCommand {
    /// Validate bank files (TOML); without paths, the bundled banks.
    Check {
        /// Bank files.
        paths: Vec<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve {
            listen,
            data_dir,
            config,
            demo,
            log_json,
        } => {
            telemetry::init(log_json);
            let mut settings = Settings::load(config.as_deref())?;
            if let Some(l) = listen {
                settings.listen = l;
            }
            if let Some(d) = data_dir {
                settings.data_dir = d;
            }
            serve(settings, demo).await
        }
        Command::Config {
            command: ConfigCommand::Example,
        } => {
            print!("{EXAMPLE}");
            Ok(())
        }
        Command::Bank {
            command: BankCommand::Check { paths },
        } => check_banks(&paths),
    }
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let app = Application::build(settings.clone()).await?;
    let url = format!("http://{}:{}", settings.listen.ip(), app.port());
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

fn check_banks(paths: &[PathBuf]) -> anyhow::Result<()> {
    let files: Vec<(String, String)> = if paths.is_empty() {
        question_bank::bundled::FILES
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect()
    } else {
        paths
            .iter()
            .map(|p| {
                Ok((
                    p.display().to_string(),
                    std::fs::read_to_string(p).with_context(|| format!("read {}", p.display()))?,
                ))
            })
            .collect::<anyhow::Result<_>>()?
    };
    let mut failed = false;
    for (name, text) in &files {
        match parse_bank_toml(name, text) {
            Ok(f) => println!(
                "{name}: {} ({}) {} questions OK",
                f.header.id,
                f.header.scope,
                f.questions.len()
            ),
            Err(errors) => {
                failed = true;
                for issue in errors.0 {
                    println!("{issue}");
                }
            }
        }
    }
    if let Err(e) =
        question_bank::Bank::from_toml_files(files.iter().map(|(n, t)| (n.as_str(), t.as_str())))
    {
        if !failed {
            print!("{e}");
        }
        failed = true;
    }
    anyhow::ensure!(!failed, "bank check failed");
    Ok(())
}
