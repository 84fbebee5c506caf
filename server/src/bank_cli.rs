//! `exam-server bank ...`: check bank files and print their coverage.

use std::path::PathBuf;

use anyhow::Context;
use question_bank::bank::BankFile;
use question_bank::check::{self, Coverage};
use question_bank::formats::parse_bank_toml;
use question_bank::{Bank, BankIssue, Blueprint};

/// Read `(name, text)` for each path, or the bundled files when `paths` is empty.
fn read_sources(paths: &[PathBuf]) -> anyhow::Result<Vec<(String, String)>> {
    if paths.is_empty() {
        return Ok(question_bank::bundled::FILES
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect());
    }
    paths
        .iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("read {}", p.display()))?;
            Ok((p.display().to_string(), text))
        })
        .collect()
}

/// Validate bank files: schema errors, then (if they parse) near-duplicates, topics,
/// pool sizes and exposure per subject, with a coverage table. Errors always fail;
/// warnings fail with `strict`.
pub fn check(paths: &[PathBuf], strict: bool, coverage: bool) -> anyhow::Result<()> {
    let sources = read_sources(paths)?;
    let mut errors: Vec<BankIssue> = Vec::new();
    let mut files: Vec<(String, BankFile)> = Vec::new();
    for (name, text) in &sources {
        match parse_bank_toml(name, text) {
            Ok(f) => {
                println!(
                    "{name}: {} ({}) {} questions",
                    f.header.id,
                    f.header.scope,
                    f.questions.len()
                );
                files.push((name.clone(), f));
            }
            Err(e) => errors.extend(e.0),
        }
    }
    let bank = match Bank::new(
        files
            .iter()
            .flat_map(|(_, f)| f.questions.clone())
            .collect(),
    ) {
        Ok(bank) => Some(bank),
        Err(e) => {
            errors.extend(e.0);
            None
        }
    };
    for e in &errors {
        println!("error: {e}");
    }
    let mut warnings: Vec<String> = check::lint(&files)
        .iter()
        .map(ToString::to_string)
        .collect();
    if let Some(bank) = &bank {
        for subject in check::subjects(bank) {
            let cov = Coverage::of(bank, &Blueprint::standard(subject));
            if coverage {
                print!("{cov}");
            }
            warnings.extend(cov.warnings());
        }
        println!(
            "{} questions, version {}",
            bank.questions().len(),
            bank.version()
        );
    }
    for w in &warnings {
        println!("warning: {w}");
    }
    println!("{} errors, {} warnings", errors.len(), warnings.len());
    anyhow::ensure!(errors.is_empty(), "bank check failed");
    anyhow::ensure!(
        !strict || warnings.is_empty(),
        "bank check failed (--strict: warnings count as errors)"
    );
    Ok(())
}
