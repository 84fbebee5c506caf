//! `exam-server bank ...`: check bank files in any supported format, print their
//! coverage, convert between formats, write the Excel template.

use std::path::{Path, PathBuf};

use anyhow::Context;
use question_bank::bank::{BankFile, BankHeader};
use question_bank::check::{self, Coverage};
use question_bank::formats::{self, tabular, Format, ImportOptions};
use question_bank::{Area, Bank, BankErrors, BankIssue, Blueprint, Question, Subject};

/// What to assume for rows of files that do not say (formats without metadata).
#[derive(Debug, Clone, clap::Args)]
pub struct Defaults {
    /// Input format (default: from the file extension).
    #[arg(long)]
    pub from: Option<String>,
    /// Scope of rows that name none: Q1, Q2, Q2-bridge, ...
    #[arg(long, default_value = "Q1")]
    pub scope: String,
    /// Area of rows that name none: basic / safety / law (or 基础知识 ...).
    #[arg(long)]
    pub area: Option<String>,
    /// Topic of rows that name none.
    #[arg(long)]
    pub topic: Option<String>,
    /// Difficulty (1–5) of rows that name none.
    #[arg(long)]
    pub difficulty: Option<u8>,
    /// Import the valid rows and list the broken ones instead of failing.
    #[arg(long)]
    pub skip_invalid: bool,
}

impl Defaults {
    fn options(&self, path: &Path) -> anyhow::Result<(Format, ImportOptions)> {
        let name = path.display().to_string();
        let format = match &self.from {
            Some(f) => Format::parse(f).with_context(|| format!("unknown format `{f}`"))?,
            None => Format::from_file_name(&name)
                .with_context(|| format!("cannot tell the format of {name}; use --from"))?,
        };
        let scope: Subject = self.scope.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let id: String = stem
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let mut opts = ImportOptions::new(&id, scope);
        opts.area = match &self.area {
            Some(a) => Some(Area::parse(a).with_context(|| format!("unknown area `{a}`"))?),
            None => None,
        };
        opts.topic = self.topic.clone();
        opts.difficulty = self.difficulty;
        opts.skip_invalid = self.skip_invalid;
        Ok((format, opts))
    }
}

/// Files that parsed, by name, and every problem found.
type Loaded = (Vec<(String, BankFile)>, Vec<BankIssue>);

/// Parse every path (or the bundled files): the files that parsed, and every error.
fn load(paths: &[PathBuf], defaults: &Defaults) -> anyhow::Result<Loaded> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    if paths.is_empty() {
        for (name, text) in question_bank::bundled::FILES {
            match formats::parse_bank_toml(name, text) {
                Ok(f) => files.push(((*name).to_owned(), f)),
                Err(e) => errors.extend(e.0),
            }
        }
        return Ok((files, errors));
    }
    for path in paths {
        let bytes = std::fs::read(path).with_context(|| format!("read {}", path.display()))?;
        let (format, opts) = defaults.options(path)?;
        let name = path.display().to_string();
        match formats::import(format, &name, &bytes, &opts) {
            Ok(imported) => {
                for skipped in &imported.skipped {
                    println!("skipped: {skipped}");
                }
                files.push((name, imported.file));
            }
            Err(BankErrors(e)) => errors.extend(e),
        }
    }
    Ok((files, errors))
}

/// Convert one bank file to another format.
pub fn convert(
    input: &Path,
    output: &Path,
    to: Option<&str>,
    defaults: &Defaults,
) -> anyhow::Result<()> {
    let (files, errors) = load(&[input.to_path_buf()], defaults)?;
    for e in &errors {
        println!("error: {e}");
    }
    anyhow::ensure!(
        errors.is_empty(),
        "{} errors; nothing written",
        errors.len()
    );
    let (_, file) = files.into_iter().next().context("no input")?;
    write_bank(output, to, &file.header, &file.questions)
}

/// Write questions to `output` in the format `to` names, or its file name implies.
fn write_bank(
    output: &Path,
    to: Option<&str>,
    header: &BankHeader,
    questions: &[Question],
) -> anyhow::Result<()> {
    let out_name = output.display().to_string();
    let format = match to {
        Some(f) => Format::parse(f).with_context(|| format!("unknown format `{f}`"))?,
        None => Format::from_file_name(&out_name)
            .with_context(|| format!("cannot tell the format of {out_name}; use --to"))?,
    };
    anyhow::ensure!(format.can_export(), "cannot write {format}");
    std::fs::write(output, formats::export(format, header, questions))
        .with_context(|| format!("write {out_name}"))?;
    println!(
        "{out_name}: {} questions written as {format}",
        questions.len()
    );
    Ok(())
}

/// Write the empty annotated Excel template.
pub fn template(output: &Path) -> anyhow::Result<()> {
    std::fs::write(output, tabular::template_xlsx())
        .with_context(|| format!("write {}", output.display()))?;
    println!("template written to {}", output.display());
    Ok(())
}

/// Export the bundled banks as one file.
pub fn export_bundled(output: &Path, to: Option<&str>) -> anyhow::Result<()> {
    let bank = question_bank::bundled::bundled_bank().map_err(|e| anyhow::anyhow!("{e}"))?;
    let header = BankHeader {
        id: "craneexam".to_owned(),
        title: "CraneExam 内置题库".to_owned(),
        scope: Subject::Q1,
    };
    write_bank(output, to, &header, bank.questions())
}

/// Validate bank files: schema errors, then (if they parse) near-duplicates, topics,
/// pool sizes and exposure per subject, with a coverage table. Errors always fail;
/// warnings fail with `strict`.
pub fn check(
    paths: &[PathBuf],
    defaults: &Defaults,
    strict: bool,
    coverage: bool,
) -> anyhow::Result<()> {
    let (files, mut errors) = load(paths, defaults)?;
    for (name, f) in &files {
        println!(
            "{name}: {} ({}) {} questions",
            f.header.id,
            f.header.scope,
            f.questions.len()
        );
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
