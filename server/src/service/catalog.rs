//! Bank versions in memory. A version never changes, so caching it is safe across
//! instances; unknown versions are loaded from the database on first use.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use anyhow::Context;
use question_bank::Bank;

use crate::store::Store;

/// The current bank plus every version papers were drawn from.
pub struct Catalog {
    store: Store,
    current: Arc<Bank>,
    cache: RwLock<HashMap<String, Arc<Bank>>>,
}

impl Catalog {
    /// Make `current` the bank new sessions draw from, storing its version.
    pub async fn new(store: Store, current: Bank) -> anyhow::Result<Catalog> {
        store.ensure_bank_version(&current).await?;
        let current = Arc::new(current);
        let cache = RwLock::new(HashMap::from([(
            current.version().0.clone(),
            current.clone(),
        )]));
        Ok(Catalog {
            store,
            current,
            cache,
        })
    }

    /// The bank new sessions draw from.
    pub fn current(&self) -> Arc<Bank> {
        self.current.clone()
    }

    /// A stored version.
    pub async fn version(&self, version: &str) -> anyhow::Result<Arc<Bank>> {
        if let Some(bank) = self
            .cache
            .read()
            .expect("catalog lock poisoned")
            .get(version)
        {
            return Ok(bank.clone());
        }
        let json = self
            .store
            .bank_version_json(version)
            .await?
            .with_context(|| format!("bank version {version} is not stored"))?;
        let bank = Arc::new(Bank::from_json(&json).map_err(|e| anyhow::anyhow!("{e}"))?);
        anyhow::ensure!(
            bank.version().0 == version,
            "stored bank version {version} hashes to {}",
            bank.version()
        );
        self.cache
            .write()
            .expect("catalog lock poisoned")
            .insert(version.to_owned(), bank.clone());
        Ok(bank)
    }
}
