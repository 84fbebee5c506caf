//! Sealing: each record is hashed (SHA-256 over its canonical JSON, which includes the
//! previous record's hash, so records form a chain) and the hash is signed with the
//! institution's Ed25519 key. Verification streams: one record at a time, in order.

use std::fmt;

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::canonical::{canonical_json, to_canonical};
use super::record::RecordBody;

/// The `prev_hash` of the first record ever sealed.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The institution's signing key (secret).
pub struct ArchiveKey(SigningKey);

impl fmt::Debug for ArchiveKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArchiveKey({})", self.public().key_id())
    }
}

impl ArchiveKey {
    /// A key from its 32 secret bytes.
    pub fn from_secret(secret: [u8; 32]) -> ArchiveKey {
        ArchiveKey(SigningKey::from_bytes(&secret))
    }

    /// The 32 secret bytes, to be kept in the data directory.
    pub fn secret(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public half, published for verifiers.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Sign arbitrary bytes (e.g. an outbound delivery body); hex signature.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        hex::encode(self.0.sign(message).to_bytes())
    }
}

/// A verifying key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// From 64 hex characters.
    pub fn from_hex(text: &str) -> Result<PublicKey, SealError> {
        let bytes: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(SealError::BadPublicKey)?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| SealError::BadPublicKey)
    }

    /// 64 hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// Short id carried by every record: the first 8 bytes of SHA-256 of the key, in hex.
    pub fn key_id(&self) -> String {
        hex::encode(&Sha256::digest(self.0.to_bytes())[..8])
    }

    /// Whether `signature_hex` is this key's signature of `message`.
    pub fn verify_hex(&self, message: &[u8], signature_hex: &str) -> bool {
        let Some(bytes) = hex::decode(signature_hex)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
        else {
            return false;
        };
        self.0
            .verify(message, &Signature::from_bytes(&bytes))
            .is_ok()
    }
}

/// Key or record material that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Not a 32-byte Ed25519 public key in hex.
    #[error("公钥格式不正确（应为 64 位十六进制 Ed25519 公钥） / malformed public key")]
    BadPublicKey,
    /// A body that does not serialise (never for the types in `record`).
    #[error("记录无法序列化: {0}")]
    Serialize(String),
}

/// The signed part of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordContent {
    /// Position in the chain, from 1, without gaps.
    pub seq: u64,
    /// Hash of the record before (or [`GENESIS`]).
    pub prev_hash: String,
    /// When it was sealed.
    pub sealed_at: DateTime<Utc>,
    /// Which key signed it.
    pub key_id: String,
    /// The part result.
    pub body: RecordBody,
}

/// A record as stored and shipped: its canonical content, hash and signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SealedRecord {
    /// Position in the chain.
    pub seq: u64,
    /// Canonical JSON of the [`RecordContent`].
    pub content: String,
    /// SHA-256 of `content`, hex.
    pub hash: String,
    /// Ed25519 signature of the 32 hash bytes, hex.
    pub signature: String,
}

/// Seal `body` as record `seq` after `prev_hash`.
pub fn seal(
    key: &ArchiveKey,
    seq: u64,
    prev_hash: &str,
    sealed_at: DateTime<Utc>,
    body: RecordBody,
) -> Result<SealedRecord, SealError> {
    let content = RecordContent {
        seq,
        prev_hash: prev_hash.to_owned(),
        sealed_at,
        key_id: key.public().key_id(),
        body,
    };
    let content = to_canonical(&content).map_err(|e| SealError::Serialize(e.to_string()))?;
    let digest = Sha256::digest(content.as_bytes());
    Ok(SealedRecord {
        seq,
        hash: hex::encode(digest),
        signature: hex::encode(key.0.sign(&digest).to_bytes()),
        content,
    })
}

/// What is wrong with one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The record's position.
    pub seq: u64,
    /// What.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "记录 #{}: {}", self.seq, self.kind)
    }
}

/// Kinds of archive problems.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProblemKind {
    /// The content is not JSON or not a record.
    #[error("内容无法解析 / unreadable content: {0}")]
    Unreadable(String),
    /// The stored text is not the canonical form of itself.
    #[error("内容不是规范 JSON / content is not canonical")]
    NotCanonical,
    /// SHA-256 of the content differs from the stored hash.
    #[error("哈希不符 / hash mismatch")]
    HashMismatch,
    /// `seq` inside the content differs from the record's position.
    #[error("序号不连续 / expected seq {expected}, found {found}")]
    SeqGap {
        /// Expected.
        expected: u64,
        /// Found.
        found: u64,
    },
    /// The record does not point at the one before it.
    #[error("链断裂 / chain broken: prev_hash {found} != {expected}")]
    ChainBroken {
        /// Hash of the previous record.
        expected: String,
        /// `prev_hash` found.
        found: String,
    },
    /// Signed by a key the verifier does not know.
    #[error("未知签名密钥 / unknown key {0}")]
    UnknownKey(String),
    /// The signature does not verify.
    #[error("签名无效 / bad signature")]
    BadSignature,
    /// Re-scoring from the bank version gives a different result.
    #[error("重新评分结果不一致 / re-score differs: {0}")]
    ScoreDiffers(String),
}

/// Checks records one by one, in chain order.
#[derive(Debug)]
pub struct ChainVerifier {
    keys: Vec<PublicKey>,
    prev_hash: String,
    next_seq: u64,
    checked: u64,
}

impl ChainVerifier {
    /// Start at record `first_seq`, whose `prev_hash` must be `prev_hash` ([`GENESIS`], or
    /// the last purged record's hash).
    pub fn new(keys: Vec<PublicKey>, first_seq: u64, prev_hash: &str) -> ChainVerifier {
        ChainVerifier {
            keys,
            prev_hash: prev_hash.to_owned(),
            next_seq: first_seq,
            checked: 0,
        }
    }

    /// Records checked so far.
    pub fn checked(&self) -> u64 {
        self.checked
    }

    /// Check the next record; returns its parsed content when it could be read (problems or
    /// not), so callers can go on to re-score it.
    pub fn check(
        &mut self,
        record: &SealedRecord,
        problems: &mut Vec<Problem>,
    ) -> Option<RecordContent> {
        let mut report = |kind| {
            problems.push(Problem {
                seq: record.seq,
                kind,
            })
        };
        self.checked += 1;
        if record.seq != self.next_seq {
            report(ProblemKind::SeqGap {
                expected: self.next_seq,
                found: record.seq,
            });
        }
        self.next_seq = record.seq + 1;
        let digest = Sha256::digest(record.content.as_bytes());
        if hex::encode(digest) != record.hash {
            report(ProblemKind::HashMismatch);
        }
        let expected_prev = std::mem::replace(&mut self.prev_hash, record.hash.clone());
        let value: serde_json::Value = match serde_json::from_str(&record.content) {
            Ok(v) => v,
            Err(e) => {
                report(ProblemKind::Unreadable(e.to_string()));
                return None;
            }
        };
        if canonical_json(&value) != record.content {
            report(ProblemKind::NotCanonical);
        }
        let content: RecordContent = match serde_json::from_value(value) {
            Ok(c) => c,
            Err(e) => {
                report(ProblemKind::Unreadable(e.to_string()));
                return None;
            }
        };
        if content.seq != record.seq {
            report(ProblemKind::SeqGap {
                expected: record.seq,
                found: content.seq,
            });
        }
        if content.prev_hash != expected_prev {
            report(ProblemKind::ChainBroken {
                expected: expected_prev,
                found: content.prev_hash.clone(),
            });
        }
        match self.keys.iter().find(|k| k.key_id() == content.key_id) {
            None => report(ProblemKind::UnknownKey(content.key_id.clone())),
            Some(key) if !key.verify_hex(&digest, &record.signature) => {
                report(ProblemKind::BadSignature)
            }
            Some(_) => {}
        }
        Some(content)
    }
}
