//! Short-lived HS256 JWTs carrying a role claim.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use question_bank::wire::Role;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::store::exams::Terminal;

/// JWT claims.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id (staff) or candidate id, as a string per RFC 7519.
    pub sub: String,
    /// Role.
    pub role: Role,
    /// Account name or ticket, for logs.
    pub name: String,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expiry (seconds).
    pub exp: i64,
    /// Candidates: the terminal signed in on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// Candidates: that terminal's seat label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tseat: Option<String>,
}

/// Signing and verification keys.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    /// Keys from a shared secret.
    pub fn new(secret: &[u8]) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// Issue a token valid for `ttl`; candidates' tokens name their terminal.
    pub fn issue(
        &self,
        sub: i64,
        role: Role,
        name: &str,
        terminal: Option<&Terminal>,
        ttl: Duration,
    ) -> anyhow::Result<(String, DateTime<Utc>)> {
        let now = Utc::now();
        let expires = now + ttl;
        let claims = Claims {
            sub: sub.to_string(),
            role,
            name: name.to_owned(),
            iat: now.timestamp(),
            exp: expires.timestamp(),
            term: terminal.map(|t| t.id.clone()),
            tseat: terminal.and_then(|t| t.seat.clone()),
        };
        Ok((
            encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?,
            expires,
        ))
    }

    /// Verify signature and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => ApiError::TokenExpired,
                _ => ApiError::Unauthenticated,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_expire_and_resist_forgery() {
        let keys = TokenKeys::new(b"k1");
        let (t, _) = keys
            .issue(7, Role::Examiner, "e", None, Duration::minutes(5))
            .unwrap();
        let c = keys.verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.role), ("7", Role::Examiner));
        let (old, _) = keys
            .issue(7, Role::Examiner, "e", None, Duration::minutes(-10))
            .unwrap();
        assert!(matches!(keys.verify(&old), Err(ApiError::TokenExpired)));
        assert!(matches!(
            TokenKeys::new(b"k2").verify(&t),
            Err(ApiError::Unauthenticated)
        ));
        assert!(matches!(
            keys.verify("garbage"),
            Err(ApiError::Unauthenticated)
        ));
    }
}
