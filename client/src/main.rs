//! `exam-client`: the candidate terminal and the headless load simulator.

mod api;
mod app;
mod journal;
mod runtime;
mod simulate;
mod strings;
mod theme;
mod tls;
mod ui;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "exam-client",
    version,
    about = "CraneExam 起重机作业人员考试系统 terminal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sit an exam in the full-screen terminal (考生机).
    Exam(runtime::ExamArgs),
    /// Run N headless terminals at once and verify every acknowledged answer.
    Simulate(simulate::SimulateArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Exam(args) => runtime::run(args).await,
        Command::Simulate(args) => {
            let summary = simulate::run(args).await?;
            println!("{}", serde_json::to_string(&summary)?);
            if summary.answers_lost > 0
                || summary.submitted < summary.terminals
                || summary.errors > 0
            {
                std::process::exit(1);
            }
            Ok(())
        }
    }
}
