//! Self-contained archive bundles: a zip a certification body can verify offline with
//! `exam-server archive verify --bundle FILE`, holding every stored record, the public
//! keys, the bank versions the papers were drawn from, and a signed manifest.

use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use question_bank::archive::{ArchiveKey, PublicKey, SealedRecord};
use question_bank::wire::ArchiveKeyView;
use question_bank::Bank;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use super::verify::{Banks, Verification, VerifyReport};
use crate::service::Catalog;
use crate::store::archive::ArchiveFilter;
use crate::store::Store;

/// `manifest.json` of a bundle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `crane-exam.archive-bundle.v1`.
    pub format: String,
    /// When the bundle was made.
    pub created_at: DateTime<Utc>,
    /// Records in `records.jsonl`.
    pub records: u64,
    /// First record's seq.
    pub first_seq: u64,
    /// Its `prev_hash` (genesis, or the last purged record's hash).
    pub prev_hash: String,
    /// SHA-256 of `records.jsonl`.
    pub records_sha256: String,
    /// Key that signed this manifest (`manifest.sig`).
    pub signed_by: String,
    /// Bank versions included under `banks/`.
    pub banks: Vec<String>,
}

const FORMAT: &str = "crane-exam.archive-bundle.v1";

const README: &str = "CraneExam 考试存档包 / archive bundle\n\n\
records.jsonl  每行一条封存记录 / one sealed record per line: {seq, content, hash, signature}\n\
               hash = SHA-256(content)；signature = Ed25519(hash bytes)；content 内含 prev_hash 形成链\n\
keys.json      签名公钥 / signing public keys (Ed25519, hex)\n\
banks/         试卷所用题库版本 / bank versions the papers were drawn from (for re-scoring)\n\
manifest.json  清单 / manifest; manifest.sig = Ed25519(manifest.json) by manifest.signed_by\n\n\
核验 / verify:  exam-server archive verify --bundle THIS.zip [--public-key HEX]\n";

/// Write every stored record into a bundle. `progress(done, total)` after each page.
pub async fn export_bundle<W: Write + Seek>(
    store: &Store,
    catalog: &Catalog,
    key: &ArchiveKey,
    out: W,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<Manifest> {
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let mut zip = zip::ZipWriter::new(out);
    let start = store.chain_start().await?;
    let total = u64::try_from(store.archive_count(&ArchiveFilter::default()).await?)?;

    zip.start_file("records.jsonl", options)?;
    let mut digest = Sha256::new();
    let mut filter = ArchiveFilter::default();
    let mut records = 0u64;
    let mut line = Vec::with_capacity(64 * 1024);
    loop {
        let page = store.archive_page(&filter, 1000).await?;
        let Some(last) = page.last() else { break };
        filter.after = last.seq;
        for row in page {
            line.clear();
            serde_json::to_writer(&mut line, &SealedRecord::from(row))?;
            line.push(b'\n');
            digest.update(&line);
            zip.write_all(&line)?;
            records += 1;
        }
        progress(records, total);
    }

    let mut banks = Vec::new();
    for version in store.bank_version_ids().await? {
        let bank = catalog.version(&version).await?;
        zip.start_file(format!("banks/{version}.json"), options)?;
        zip.write_all(bank.to_json().as_bytes())?;
        banks.push(version);
    }
    let keys = super::key_views(store, &key.public()).await?;
    zip.start_file("keys.json", options)?;
    zip.write_all(&serde_json::to_vec_pretty(&keys)?)?;

    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: Utc::now(),
        records,
        first_seq: start.first_seq,
        prev_hash: start.prev_hash,
        records_sha256: hex::encode(digest.finalize()),
        signed_by: key.public().key_id(),
        banks,
    };
    let manifest_json = serde_json::to_vec_pretty(&manifest)?;
    zip.start_file("manifest.json", options)?;
    zip.write_all(&manifest_json)?;
    zip.start_file("manifest.sig", options)?;
    zip.write_all(key.sign_hex(&manifest_json).as_bytes())?;
    zip.start_file("README.txt", options)?;
    zip.write_all(README.as_bytes())?;
    zip.finish()?;
    Ok(manifest)
}

/// Verify a bundle offline: manifest signature, records file digest, then every record
/// (hash, chain, signature, re-score). `pinned` is the public key the verifier trusts
/// (hex); without it the bundle's own keys are used, which proves integrity but not origin.
pub fn verify_bundle<R: Read + Seek>(
    input: R,
    pinned: Option<&PublicKey>,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<(Manifest, VerifyReport)> {
    let mut zip = zip::ZipArchive::new(input).context("not a zip archive")?;
    let manifest_json = read_entry(&mut zip, "manifest.json")?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest_json).context("manifest.json is malformed")?;
    anyhow::ensure!(
        manifest.format == FORMAT,
        "unknown bundle format {}",
        manifest.format
    );
    let keys: Vec<ArchiveKeyView> = serde_json::from_slice(&read_entry(&mut zip, "keys.json")?)
        .context("keys.json is malformed")?;
    let mut keys = keys
        .iter()
        .map(|k| PublicKey::from_hex(&k.public_key))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(pinned) = pinned {
        anyhow::ensure!(
            keys.contains(pinned),
            "the bundle is not signed with the pinned key {}",
            pinned.key_id()
        );
        // Only the pinned key is trusted; records signed by others are reported.
        keys = vec![*pinned];
    }
    let signer = keys
        .iter()
        .find(|k| k.key_id() == manifest.signed_by)
        .context("manifest signed by an unknown key")?;
    let sig = String::from_utf8(read_entry(&mut zip, "manifest.sig")?)?;
    anyhow::ensure!(
        signer.verify_hex(&manifest_json, sig.trim()),
        "manifest signature is invalid"
    );
    let mut banks = Banks::new();
    for version in &manifest.banks {
        let json = String::from_utf8(read_entry(&mut zip, &format!("banks/{version}.json"))?)?;
        let bank = Bank::from_json(&json).map_err(|e| anyhow::anyhow!("banks/{version}: {e}"))?;
        anyhow::ensure!(
            &bank.version().0 == version,
            "banks/{version}.json hashes to {}",
            bank.version()
        );
        banks.insert(version.clone(), Arc::new(bank));
    }
    let mut verification = Verification::new(keys, manifest.first_seq, &manifest.prev_hash, banks);
    let mut digest = Sha256::new();
    let entry = zip
        .by_name("records.jsonl")
        .context("records.jsonl missing")?;
    let mut reader = BufReader::with_capacity(1 << 20, entry);
    let mut line = String::new();
    let mut lineno = 0u64;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        lineno += 1;
        digest.update(line.as_bytes());
        match serde_json::from_str::<SealedRecord>(line.trim_end_matches('\n')) {
            Ok(record) => verification.check(&record),
            Err(e) => anyhow::bail!("records.jsonl line {lineno}: {e}"),
        }
        if lineno % 1000 == 0 {
            progress(lineno, manifest.records);
        }
    }
    progress(lineno, manifest.records);
    let mut report = verification.finish();
    if hex::encode(digest.finalize()) != manifest.records_sha256 || lineno != manifest.records {
        report.problems.push(question_bank::archive::Problem {
            seq: 0,
            kind: question_bank::archive::ProblemKind::Unreadable(
                "records.jsonl 与清单不符（记录被增删或改动） / records file does not match the manifest".into(),
            ),
        });
    }
    Ok((manifest, report))
}

fn read_entry<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> anyhow::Result<Vec<u8>> {
    let mut entry = zip
        .by_name(name)
        .with_context(|| format!("{name} missing from bundle"))?;
    let mut out = Vec::new();
    entry.read_to_end(&mut out)?;
    Ok(out)
}
