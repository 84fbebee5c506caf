//! `exam-server archive verify`: hashes, chain, signatures, and a re-score of every theory
//! paper from the bank version it was assembled from. The same checks run over the live
//! database and over an exported bundle.

use std::collections::HashMap;
use std::sync::Arc;

use question_bank::archive::{
    rescore_theory, ChainVerifier, Problem, ProblemKind, PublicKey, RecordBody, SealedRecord,
};
use question_bank::Bank;

use crate::service::Catalog;
use crate::store::archive::ArchiveFilter;
use crate::store::Store;

/// What a verification found.
#[derive(Debug, Default)]
pub struct VerifyReport {
    /// Records checked.
    pub records: u64,
    /// Theory papers re-scored.
    pub rescored: u64,
    /// Practical records checked.
    pub practical: u64,
    /// Everything wrong, by record.
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// Whether nothing was wrong.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Bank versions by id, for re-scoring. Versions are few (one per import), so callers
/// load them all before the first record.
pub type Banks = HashMap<String, Arc<Bank>>;

/// Checks records one at a time.
pub struct Verification {
    chain: ChainVerifier,
    banks: Banks,
    report: VerifyReport,
}

impl Verification {
    /// Start where the stored chain starts.
    pub fn new(keys: Vec<PublicKey>, first_seq: u64, prev_hash: &str, banks: Banks) -> Self {
        Verification {
            chain: ChainVerifier::new(keys, first_seq, prev_hash),
            banks,
            report: VerifyReport::default(),
        }
    }

    /// Check the next record in chain order.
    pub fn check(&mut self, record: &SealedRecord) {
        self.report.records += 1;
        let Some(content) = self.chain.check(record, &mut self.report.problems) else {
            return;
        };
        match content.body {
            RecordBody::Theory(theory) => {
                let version = &theory.paper.bank_version.0;
                let differences = match self.banks.get(version) {
                    Some(bank) => rescore_theory(&theory, bank),
                    None => vec![format!("题库版本 {version} 不可用，无法重新评分")],
                };
                self.report.rescored += 1;
                self.report
                    .problems
                    .extend(differences.into_iter().map(|d| Problem {
                        seq: record.seq,
                        kind: ProblemKind::ScoreDiffers(d),
                    }));
            }
            RecordBody::Practical(_) => self.report.practical += 1,
        }
    }

    /// The findings.
    pub fn finish(self) -> VerifyReport {
        self.report
    }
}

/// Verify the whole stored chain. `progress(done, total)` is called after each page.
pub async fn verify_store(
    store: &Store,
    catalog: &Catalog,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<VerifyReport> {
    let keys = store
        .archive_keys()
        .await?
        .iter()
        .map(|k| PublicKey::from_hex(k))
        .collect::<Result<Vec<_>, _>>()?;
    let start = store.chain_start().await?;
    let total = u64::try_from(store.archive_count(&ArchiveFilter::default()).await?)?;
    let mut banks = Banks::new();
    for version in store.bank_version_ids().await? {
        banks.insert(version.clone(), catalog.version(&version).await?);
    }
    let mut verification = Verification::new(keys, start.first_seq, &start.prev_hash, banks);
    let mut filter = ArchiveFilter::default();
    loop {
        let page = store.archive_page(&filter, 1000).await?;
        let Some(last) = page.last() else { break };
        filter.after = last.seq;
        for row in page {
            verification.check(&SealedRecord::from(row));
        }
        progress(verification.report.records, total);
    }
    Ok(verification.finish())
}
