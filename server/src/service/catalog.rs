//! Bank versions in memory. A version never changes, so caching it is safe across
//! instances; unknown versions are loaded from the database on first use. The current
//! version is the newest import's, or the bundled bank when nothing was imported.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use anyhow::Context;
use question_bank::Bank;

use crate::store::Store;

/// The current bank plus every version papers were drawn from.
pub struct Catalog {
    store: Store,
    bundled_version: String,
    current: RwLock<Arc<Bank>>,
    cache: RwLock<HashMap<String, Arc<Bank>>>,
    /// Serialises imports on this instance (the store rejects a stale one across instances).
    pub(crate) import_lock: tokio::sync::Mutex<()>,
}

impl Catalog {
    /// Store the bundled bank's version and make the newest imported version (or, without
    /// imports, the bundled bank) the one new sessions draw from.
    pub async fn new(store: Store, bundled: Bank) -> anyhow::Result<Catalog> {
        store.ensure_bank_version(&bundled).await?;
        let bundled = Arc::new(bundled);
        let bundled_version = bundled.version().0.clone();
        let catalog = Catalog {
            store,
            bundled_version: bundled_version.clone(),
            current: RwLock::new(bundled.clone()),
            cache: RwLock::new(HashMap::from([(bundled_version, bundled)])),
            import_lock: tokio::sync::Mutex::new(()),
        };
        if let Some(v) = catalog.store.imported_version().await? {
            let bank = catalog.version(&v).await?;
            catalog.set_current(bank);
        }
        Ok(catalog)
    }

    /// The bank new sessions draw from.
    pub fn current(&self) -> Arc<Bank> {
        self.current.read().expect("catalog lock poisoned").clone()
    }

    /// Version of the bank compiled into this binary.
    pub fn bundled_version(&self) -> &str {
        &self.bundled_version
    }

    /// Make `bank` current (after its import is stored).
    pub(crate) fn set_current(&self, bank: Arc<Bank>) {
        self.cache
            .write()
            .expect("catalog lock poisoned")
            .insert(bank.version().0.clone(), bank.clone());
        *self.current.write().expect("catalog lock poisoned") = bank;
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
