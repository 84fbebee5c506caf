//! `exam-server archive verify | export`: offline checks and bundles of the sealed archive.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use question_bank::archive::PublicKey;

use crate::config::Settings;
use crate::service::archive::bundle::{export_bundle, verify_bundle};
use crate::service::archive::load_or_create_key;
use crate::service::archive::verify::{verify_store, VerifyReport};
use crate::service::Catalog;
use crate::store::Store;

fn bar(label: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} 条 ({per_sec}, 剩余 {eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(label);
    bar
}

async fn open(settings: &Settings) -> anyhow::Result<(Store, Catalog)> {
    let store = Store::open_existing(settings).await?;
    let bank = question_bank::bundled::bundled_bank().map_err(|e| anyhow::anyhow!("{e}"))?;
    let catalog = Catalog::new(store.clone(), bank).await?;
    Ok((store, catalog))
}

/// Print a verification report; `Ok(true)` when clean.
fn print_report(report: &VerifyReport, json: bool) -> anyhow::Result<bool> {
    if json {
        let problems: Vec<_> = report
            .problems
            .iter()
            .map(|p| serde_json::json!({"seq": p.seq, "problem": p.kind.to_string()}))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "records": report.records,
                "rescored": report.rescored,
                "practical": report.practical,
                "ok": report.ok(),
                "problems": problems,
            }))?
        );
    } else {
        println!(
            "核验 {} 条记录（理论试卷重新评分 {} 份，实操 {} 份） / verified {} records",
            report.records, report.rescored, report.practical, report.records
        );
        for p in report.problems.iter().take(200) {
            println!("  ✗ {p}");
        }
        if report.problems.len() > 200 {
            println!("  ... 共 {} 个问题", report.problems.len());
        }
        println!(
            "{}",
            if report.ok() {
                "结果：全部通过 OK (hashes, chain, signatures, re-scores)"
            } else {
                "结果：发现问题 FAILED"
            }
        );
    }
    Ok(report.ok())
}

/// Verify the database's chain, or a bundle when `bundle` is given.
pub async fn verify(
    settings: &Settings,
    bundle: Option<&Path>,
    public_key: Option<&str>,
    json: bool,
) -> anyhow::Result<bool> {
    let pinned = public_key.map(PublicKey::from_hex).transpose()?;
    let progress = bar("核验 verifying");
    let report = match bundle {
        Some(path) => {
            let file =
                std::fs::File::open(path).with_context(|| format!("open {}", path.display()))?;
            let p = progress.clone();
            let (manifest, report) = tokio::task::spawn_blocking(move || {
                verify_bundle(file, pinned.as_ref(), |done, total| {
                    p.set_length(total);
                    p.set_position(done);
                })
            })
            .await??;
            progress.finish_and_clear();
            if !json {
                println!(
                    "存档包 bundle {} (created {}, signed by {})",
                    path.display(),
                    manifest.created_at,
                    manifest.signed_by
                );
            }
            report
        }
        None => {
            let (store, catalog) = open(settings).await?;
            if let Some(pinned) = pinned {
                let keys = store.archive_keys().await?;
                anyhow::ensure!(
                    keys.contains(&pinned.to_hex()),
                    "the database has no record of key {}",
                    pinned.key_id()
                );
            }
            let report = verify_store(&store, &catalog, |done, total| {
                progress.set_length(total);
                progress.set_position(done);
            })
            .await?;
            progress.finish_and_clear();
            store.close().await;
            report
        }
    };
    print_report(&report, json)
}

/// Write every stored record into a self-contained bundle.
pub async fn export(settings: &Settings, output: &Path) -> anyhow::Result<()> {
    let (store, catalog) = open(settings).await?;
    let key = Arc::new(load_or_create_key(&settings.data_dir)?);
    let file =
        std::fs::File::create(output).with_context(|| format!("create {}", output.display()))?;
    let progress = bar("导出 exporting");
    let started = std::time::Instant::now();
    let manifest = export_bundle(
        &store,
        &catalog,
        &key,
        std::io::BufWriter::with_capacity(1 << 20, file),
        |done, total| {
            progress.set_length(total);
            progress.set_position(done);
        },
    )
    .await?;
    progress.finish_and_clear();
    store.close().await;
    let size = std::fs::metadata(output)?.len();
    println!(
        "已导出 {} 条记录到 {} ({:.1} MB, {:.1} s) / exported",
        manifest.records,
        output.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
