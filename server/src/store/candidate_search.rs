//! Finding a person's registrations across theory and practical sessions.

use super::with_db;
use super::Store;
use crate::clock::Millis;

/// One registration found by [`Store::search_candidates`].
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CandidateHit {
    /// `theory` or `practical`.
    pub part: String,
    /// Session id (of `part`'s sessions).
    pub session_id: i64,
    /// Session title.
    pub session_title: String,
    /// Subject code.
    pub subject: String,
    /// Session start.
    pub starts_at: Millis,
    /// Candidate name.
    pub name: String,
    /// Full ID number.
    pub id_number: String,
    /// Ticket (theory only).
    pub ticket: Option<String>,
    /// Seat (theory only).
    pub seat: Option<String>,
    /// Paper status (theory) or practical status.
    pub status: String,
    /// Passed, once known.
    pub passed: Option<bool>,
}

/// Escape `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Store {
    /// Registrations whose ID number or ticket is `query` exactly (ID numbers compared
    /// upper-case) or whose name contains it; newest sessions first, at most `limit`.
    #[tracing::instrument(skip_all)]
    pub async fn search_candidates(
        &self,
        query: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<CandidateHit>> {
        with_db!(&self.db, p => {
            sqlx::query_as(
                "SELECT 'theory' AS part, s.id AS session_id, s.title AS session_title, s.subject, s.starts_at,
                        c.name, c.id_number, c.ticket, c.seat, p.status, p.passed
                   FROM candidates c
                   JOIN exam_sessions s ON s.id = c.session_id
                   JOIN papers p ON p.candidate_id = c.id
                  WHERE c.id_number = $1 OR c.ticket = $2 OR c.name LIKE $3 ESCAPE '\\'
                 UNION ALL
                 SELECT 'practical', s.id, s.title, s.subject, s.starts_at,
                        c.name, c.id_number, NULL, NULL, c.status, c.passed
                   FROM practical_candidates c
                   JOIN practical_sessions s ON s.id = c.session_id
                  WHERE c.id_number = $1 OR c.name LIKE $3 ESCAPE '\\'
                 ORDER BY starts_at DESC, part DESC, name
                 LIMIT $4",
            )
            .bind(query.to_ascii_uppercase())
            .bind(query)
            .bind(format!("%{}%", like_escape(query)))
            .bind(limit)
            .fetch_all(&p.reader)
            .await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::like_escape;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_escape("张_三%\\"), "张\\_三\\%\\\\");
        assert_eq!(like_escape("王五"), "王五");
    }
}
