//! Staff accounts.

use question_bank::wire::{Role, UserView};

use super::{is_unique_violation, Store};
use super::{per_db, with_db};
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

/// Account writes shared with other aggregates (registering an assessor creates one).
pub(super) trait UserSql: sqlx::Database {
    /// Insert an account through `db` (a pool or an open transaction); a taken name is a
    /// conflict.
    async fn insert_user<'e, E: sqlx::Executor<'e, Database = Self>>(
        db: E,
        username: &str,
        hash: &str,
        role: Role,
        display_name: &str,
    ) -> Result<i64, ApiError>;
}

per_db! {
    impl UserSql for Sql {
        async fn insert_user<'e, E: sqlx::Executor<'e, Database = Self>>(
            db: E,
            username: &str,
            hash: &str,
            role: Role,
            display_name: &str,
        ) -> Result<i64, ApiError> {
            sqlx::query_scalar(
                "INSERT INTO users (username, password_hash, role, display_name, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
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
    }
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
        with_db!(&self.db, p => {
            Sql::insert_user(&p.writer, username, hash, role, display_name).await
        })
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
        with_db!(&self.db, p => {
            sqlx::query_scalar(
                "INSERT INTO users (username, password_hash, role, display_name, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role,
                   display_name = excluded.display_name
                 RETURNING id",
            )
            .bind(username)
            .bind(hash)
            .bind(role.as_str())
            .bind(display_name)
            .bind(now_millis())
            .fetch_one(&p.writer)
            .await
        })
    }

    /// Replace an account's password hash; its id, or `None` if there is no such account.
    #[tracing::instrument(skip_all, fields(username))]
    pub async fn set_password(&self, username: &str, hash: &str) -> sqlx::Result<Option<i64>> {
        with_db!(&self.db, p => {
            sqlx::query_scalar("UPDATE users SET password_hash = $1 WHERE username = $2 RETURNING id")
                .bind(hash)
                .bind(username)
                .fetch_optional(&p.writer)
                .await
        })
    }

    /// Look an account up by name.
    #[tracing::instrument(skip_all)]
    pub async fn find_user(&self, username: &str) -> sqlx::Result<Option<UserRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT id, username, password_hash, role, display_name FROM users WHERE username = $1",
            )
            .bind(username)
            .fetch_optional(&p.reader)
            .await
        })
    }

    /// Every account, by id.
    #[tracing::instrument(skip_all)]
    pub async fn list_users(&self) -> sqlx::Result<Vec<UserRow>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT id, username, password_hash, role, display_name FROM users ORDER BY id",
            )
            .fetch_all(&p.reader)
            .await
        })
    }
}
