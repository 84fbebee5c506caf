//! Question banks: the TOML file format, its validation, and the versioned set of
//! questions papers are assembled from.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::formats::parse_bank_toml;
use crate::question::{Question, QuestionId};
use crate::subject::Subject;

/// Identifies one exact content of a bank; recorded on every paper assembled from it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BankVersion(pub String);

impl fmt::Display for BankVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One problem found in a bank file: where it is and why it is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankIssue {
    /// File name as given to the parser.
    pub file: String,
    /// 1-based line (of the question's table for semantic errors).
    pub line: usize,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The field at fault (`answer`, `options`, ...), or `-` for syntax errors.
    pub field: String,
    /// What is wrong, in words an author can act on.
    pub reason: String,
}

impl fmt::Display for BankIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(
                f,
                "{}:{}:{}: {}: {}",
                self.file, self.line, c, self.field, self.reason
            ),
            None => write!(
                f,
                "{}:{}: {}: {}",
                self.file, self.line, self.field, self.reason
            ),
        }
    }
}

/// Every problem found while loading one or more bank files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct BankErrors(pub Vec<BankIssue>);

impl fmt::Display for BankErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "题库校验失败 bank validation failed ({} problems):",
            self.0.len()
        )?;
        for issue in &self.0 {
            writeln!(f, "  {issue}")?;
        }
        Ok(())
    }
}

/// Header of a bank file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankHeader {
    /// Bank id, `[a-z0-9-]+`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Who the questions are for.
    pub scope: Subject,
}

/// A parsed and validated bank file.
#[derive(Debug, Clone)]
pub struct BankFile {
    /// The `[bank]` table.
    pub header: BankHeader,
    /// Its questions, in file order.
    pub questions: Vec<Question>,
    /// Where each question starts in the file (line, or row for tabular formats), parallel
    /// to `questions`, so later checks can point at it.
    pub rows: Vec<usize>,
}

/// A validated, versioned set of questions from one or more bank files.
#[derive(Debug, Clone)]
pub struct Bank {
    version: BankVersion,
    questions: Vec<Question>,
    index: HashMap<QuestionId, usize>,
}

impl Bank {
    /// Build from questions; ids must be unique. Questions are kept sorted by id so every
    /// derived order (pools, assembly) is deterministic.
    pub fn new(mut questions: Vec<Question>) -> Result<Bank, BankErrors> {
        questions.sort_by(|a, b| a.id.cmp(&b.id));
        let dups: Vec<BankIssue> = questions
            .windows(2)
            .filter(|w| w[0].id == w[1].id)
            .map(|w| BankIssue {
                file: "-".to_owned(),
                line: 0,
                column: None,
                field: "id".to_owned(),
                reason: format!("题目 id `{}` 在多个题库文件中重复", w[0].id),
            })
            .collect();
        if !dups.is_empty() {
            return Err(BankErrors(dups));
        }
        close_enemies(&mut questions)?;
        let canonical = serde_json::to_vec(&questions).expect("questions serialize");
        let digest = Sha256::digest(&canonical);
        let version = BankVersion(format!("bv-{}", &hex::encode(digest)[..16]));
        let index = questions
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.clone(), i))
            .collect();
        Ok(Bank {
            version,
            questions,
            index,
        })
    }

    /// Parse, validate and merge several bank files `(name, text)`; reports every problem.
    pub fn from_toml_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Bank, BankErrors> {
        let mut questions = Vec::new();
        let mut issues = Vec::new();
        for (name, text) in files {
            match parse_bank_toml(name, text) {
                Ok(f) => questions.extend(f.questions),
                Err(BankErrors(mut e)) => issues.append(&mut e),
            }
        }
        if !issues.is_empty() {
            return Err(BankErrors(issues));
        }
        Bank::new(questions)
    }

    /// Canonical JSON of the questions, for storing a version.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.questions).expect("questions serialize")
    }

    /// Rebuild a stored version from [`Bank::to_json`] output.
    pub fn from_json(json: &str) -> Result<Bank, BankErrors> {
        let questions: Vec<Question> = serde_json::from_str(json).map_err(|e| {
            BankErrors(vec![BankIssue {
                file: "stored bank".to_owned(),
                line: e.line(),
                column: Some(e.column()),
                field: "-".to_owned(),
                reason: e.to_string(),
            }])
        })?;
        Bank::new(questions)
    }

    /// Content version.
    pub fn version(&self) -> &BankVersion {
        &self.version
    }

    /// All questions, sorted by id.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// Position of a question in [`Bank::questions`].
    pub fn position(&self, id: &QuestionId) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Look up one question.
    pub fn get(&self, id: &QuestionId) -> Option<&Question> {
        self.index.get(id).map(|&i| &self.questions[i])
    }

    /// A new bank: this one with `imported` added, each replacing any question with the
    /// same id. Returns the bank and how many questions were added and replaced.
    pub fn merge(&self, imported: Vec<Question>) -> Result<(Bank, usize, usize), BankErrors> {
        let replaced = imported
            .iter()
            .filter(|q| self.index.contains_key(&q.id))
            .count();
        let added = imported.len() - replaced;
        let incoming: std::collections::HashSet<&QuestionId> =
            imported.iter().map(|q| &q.id).collect();
        let mut questions: Vec<Question> = self
            .questions
            .iter()
            .filter(|q| !incoming.contains(&q.id))
            .cloned()
            .collect();
        questions.extend(imported);
        Ok((Bank::new(questions)?, added, replaced))
    }

    /// Questions a paper for `subject` may draw, sorted by id.
    pub fn pool(&self, subject: Subject) -> impl Iterator<Item = &Question> {
        self.questions
            .iter()
            .filter(move |q| subject.draws_from(q.scope))
    }
}

/// Check that every enemy names another existing question, then make the relation
/// symmetric (each list sorted, deduplicated) so assembly only looks one way.
fn close_enemies(questions: &mut [Question]) -> Result<(), BankErrors> {
    let ids: HashMap<QuestionId, usize> = questions
        .iter()
        .enumerate()
        .map(|(i, q)| (q.id.clone(), i))
        .collect();
    let mut issues = Vec::new();
    let mut pairs = Vec::new();
    for (i, q) in questions.iter().enumerate() {
        for e in &q.enemies {
            match ids.get(e) {
                Some(&j) if j != i => pairs.push((i, j)),
                Some(_) => issues.push(format!("题目 `{}` 不能把自己列为互斥题", q.id)),
                None => issues.push(format!("题目 `{}` 的互斥题 `{e}` 不存在", q.id)),
            }
        }
    }
    if !issues.is_empty() {
        return Err(BankErrors(
            issues
                .into_iter()
                .map(|reason| BankIssue {
                    file: "-".to_owned(),
                    line: 0,
                    column: None,
                    field: "enemies".to_owned(),
                    reason,
                })
                .collect(),
        ));
    }
    for (i, j) in pairs {
        let id = questions[i].id.clone();
        questions[j].enemies.push(id);
    }
    for q in questions.iter_mut() {
        q.enemies.sort();
        q.enemies.dedup();
    }
    Ok(())
}
