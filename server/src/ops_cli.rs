//! Operator commands: online backup, first accounts and password resets.

use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use question_bank::wire::Role;
use sqlx::Connection;

use crate::auth::password::{hash_password, random_password};
use crate::config::Settings;
use crate::service::validate;
use crate::store::{sqlite_options, Store};

/// Who the audit log names for changes made from the command line.
const CLI_ACTOR: &str = "exam-server (命令行 command line)";

/// Write a consistent copy of the live database to `output` (SQLite `VACUUM INTO`: the
/// server keeps serving; the copy is one committed state), then check the copy.
pub async fn backup(settings: &Settings, output: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        settings.database_url.0.is_empty(),
        "PostgreSQL 请用 pg_dump 备份 / back up PostgreSQL with pg_dump -Fc (see deploy/README.md)"
    );
    let source = settings.database_path();
    anyhow::ensure!(
        source.exists(),
        "没有数据库 no database at {}",
        source.display()
    );
    anyhow::ensure!(
        !output.exists(),
        "备份文件已存在 {} already exists; refusing to overwrite it",
        output.display()
    );
    let started = Instant::now();
    // Not read-only: SQLite refuses VACUUM INTO on a read-only connection. The source is
    // only read.
    let mut conn =
        sqlx::SqliteConnection::connect_with(&sqlite_options(&source)?.create_if_missing(false))
            .await
            .with_context(|| format!("open {}", source.display()))?;
    let target = output.to_str().context("backup path must be valid UTF-8")?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut conn)
        .await
        .with_context(|| format!("write {}", output.display()))?;
    conn.close().await?;

    // Plain options: the server's would switch the copy to WAL, which is a write.
    let mut copy = sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new()
            .filename(output)
            .read_only(true),
    )
    .await?;
    let check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut copy)
        .await?;
    copy.close().await?;
    anyhow::ensure!(check == "ok", "备份校验失败 backup check failed: {check}");
    let bytes = std::fs::metadata(output)?.len();
    println!(
        "备份完成 backup written: {} ({:.1} MB, {:.1} s, quick_check ok)",
        output.display(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Create a staff account. The password comes from stdin's first line, or is generated
/// and printed once.
pub async fn add_user(
    settings: &Settings,
    username: &str,
    role: Role,
    display_name: &str,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let username = validate::username(username).map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(
        role != Role::Candidate,
        "考生不使用账号登录 candidates sign in with ticket and ID number"
    );
    let display_name = display_name.trim();
    anyhow::ensure!(
        !display_name.is_empty() && display_name.chars().count() <= 50,
        "姓名不能为空且不超过 50 字 display name: 1–50 characters"
    );
    let (password, generated) = password_for(password_stdin)?;
    let store = open(settings).await?;
    let id = store
        .create_user(username, &hash_password(&password)?, role, display_name)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store
        .audit(
            CLI_ACTOR,
            "user.create",
            &format!("user:{id}"),
            role.as_str(),
        )
        .await?;
    store.close().await;
    println!("账号已创建 account created: {username} ({})", role.as_str());
    if generated {
        println!("初始密码 password (shown once): {password}");
    }
    Ok(())
}

/// Set a new password for an existing staff account.
pub async fn set_password(
    settings: &Settings,
    username: &str,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let (password, generated) = password_for(password_stdin)?;
    let store = open(settings).await?;
    let id = store
        .set_password(username, &hash_password(&password)?)
        .await?
        .with_context(|| format!("没有账号 no account named {username}"))?;
    store
        .audit(CLI_ACTOR, "user.password", &format!("user:{id}"), "")
        .await?;
    store.close().await;
    println!("密码已重置 password set for {username}");
    if generated {
        println!("新密码 password (shown once): {password}");
    }
    Ok(())
}

/// The password from stdin's first line (checked), or a generated one.
fn password_for(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if !from_stdin {
        return Ok((random_password(), true));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    validate::password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((password, false))
}

async fn open(settings: &Settings) -> anyhow::Result<Store> {
    if settings.database_url.0.is_empty() {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("create {}", settings.data_dir.display()))?;
    }
    Store::open(settings).await
}
