//! Staff accounts.

use question_bank::wire::{Role, UserView};

use super::{is_unique_violation, Store};
use crate::clock::now_millis;
use crate::error::ApiError;

/// A staff account row.
#[derive(Debug, sqlx::FromRow)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub username: String,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// Role name.
    pub role: String,
    /// Display name.
    pub display_name: String,
}

impl UserRow {
    /// Role, if the stored name is known.
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }

    /// Public view.
    pub fn view(&self) -> Option<UserView> {
        Some(UserView {
            id: self.id,
            username: self.username.clone(),
            role: self.role()?,
            display_name: self.display_name.clone(),
        })
    }
}

/// Insert an account through `db` (a pool or an open transaction); a taken name is a
/// conflict.
pub(super) async fn insert_user<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Sqlite>,
    username: &str,
    hash: &str,
    role: Role,
    display_name: &str,
) -> Result<i64, ApiError> {
    sqlx::query_scalar(
        "INSERT INTO users (username, password_hash, role, display_name, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(username)
    .bind(hash)
    .bind(role.as_str())
    .bind(display_name)
    .bind(now_millis())
    .fetch_one(db)
    .await
    .map_err(|e| {
        if is_unique_violation(&e, "username") {
            ApiError::conflict("username_taken", format!("账号 {username} 已存在"))
        } else {
            e.into()
        }
    })
}

impl Store {
    /// Create an account; a taken name is a conflict.
    #[tracing::instrument(skip_all, fields(username))]
    pub async fn create_user(
        &self,
        username: &str,
        hash: &str,
        role: Role,
        display_name: &str,
    ) -> Result<i64, ApiError> {
        insert_user(&self.writer, username, hash, role, display_name).await
    }

    /// Create or reset an account (used by `--demo`).
    #[tracing::instrument(skip_all, fields(username))]
    pub async fn upsert_user(
        &self,
        username: &str,
        hash: &str,
        role: Role,
        display_name: &str,
    ) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, display_name, created_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role,
               display_name = excluded.display_name
             RETURNING id",
        )
        .bind(username)
        .bind(hash)
        .bind(role.as_str())
        .bind(display_name)
        .bind(now_millis())
        .fetch_one(&self.writer)
        .await
    }

    /// Replace an account's password hash; its id, or `None` if there is no such account.
    #[tracing::instrument(skip_all, fields(username))]
    pub async fn set_password(&self, username: &str, hash: &str) -> sqlx::Result<Option<i64>> {
        sqlx::query_scalar("UPDATE users SET password_hash = ? WHERE username = ? RETURNING id")
            .bind(hash)
            .bind(username)
            .fetch_optional(&self.writer)
            .await
    }

    /// Look an account up by name.
    #[tracing::instrument(skip_all)]
    pub async fn find_user(&self, username: &str) -> sqlx::Result<Option<UserRow>> {
        sqlx::query_as(
            "SELECT id, username, password_hash, role, display_name FROM users WHERE username = ?",
        )
        .bind(username)
        .fetch_optional(&self.reader)
        .await
    }

    /// Every account, by id.
    #[tracing::instrument(skip_all)]
    pub async fn list_users(&self) -> sqlx::Result<Vec<UserRow>> {
        sqlx::query_as(
            "SELECT id, username, password_hash, role, display_name FROM users ORDER BY id",
        )
        .fetch_all(&self.reader)
        .await
    }
}
