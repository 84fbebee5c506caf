//! Transport security: HTTPS with rustls (ring as the crypto provider), and the rule that
//! plain HTTP is served only where nobody can listen in.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

use crate::config::Settings;

/// Why the configured transport is refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// Plain HTTP on an address other machines can reach.
    #[error(
        "拒绝以明文 HTTP 监听非本机地址 {0}：请配置 tls_cert 和 tls_key 启用 HTTPS，\
         或明确指定 --allow-plain-http / allow_plain_http = true（例如前面有 TLS 反向代理）。\n\
         refusing to serve plain HTTP on non-loopback address {0}: configure tls_cert and \
         tls_key for HTTPS, or pass --allow-plain-http / set allow_plain_http = true \
         (e.g. behind a TLS-terminating reverse proxy)"
    )]
    PlainHttpOnNetwork(SocketAddr),
    /// Only one of the two TLS files is configured.
    #[error("tls_cert 与 tls_key 必须同时配置 tls_cert and tls_key must be set together")]
    HalfConfigured,
}

/// Whether the server speaks TLS, refusing plain HTTP on a non-loopback address unless
/// the operator allowed it explicitly.
pub fn check_transport(settings: &Settings) -> Result<bool, TransportError> {
    match (settings.tls_cert.is_empty(), settings.tls_key.is_empty()) {
        (false, false) => Ok(true),
        (true, true) if settings.listen.ip().is_loopback() || settings.allow_plain_http => {
            Ok(false)
        }
        (true, true) => Err(TransportError::PlainHttpOnNetwork(settings.listen)),
        _ => Err(TransportError::HalfConfigured),
    }
}

/// A rustls server configuration from PEM files: the certificate chain (leaf first) and
/// its private key (PKCS#8, PKCS#1 or SEC1). The provider is ring, named explicitly:
/// builds with both ring and aws-lc-rs enabled have no process default.
pub fn server_config(cert: &Path, key: &Path) -> anyhow::Result<rustls::ServerConfig> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .with_context(|| format!("读取证书失败 read certificate {}", cert.display()))?;
    anyhow::ensure!(
        !chain.is_empty(),
        "证书文件中没有证书 no certificate in {}",
        cert.display()
    );
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("读取私钥失败 read private key {}", key.display()))?;
    tracing::info!(
        pin_sha256 = %certificate_pin(&chain[0]),
        "TLS certificate loaded (terminals may pin it with --pin-sha256)"
    );
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .context("TLS protocol versions")?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .context("证书与私钥不匹配 certificate and key do not match")?;
    Ok(config)
}

/// SHA-256 of a certificate's DER, lower-case hex: what `exam-client --pin-sha256` takes.
pub fn certificate_pin(cert: &CertificateDer<'_>) -> String {
    hex::encode(Sha256::digest(cert.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(listen: &str) -> Settings {
        Settings {
            listen: listen.parse().unwrap(),
            ..Settings::default()
        }
    }

    #[test]
    fn plain_http_is_allowed_on_loopback_only() {
        assert_eq!(check_transport(&settings("127.0.0.1:8080")), Ok(false));
        assert_eq!(check_transport(&settings("127.0.0.1:0")), Ok(false));
        assert_eq!(check_transport(&settings("[::1]:8080")), Ok(false));
        for listen in ["0.0.0.0:8080", "192.168.1.10:8080", "[::]:8080"] {
            let err = check_transport(&settings(listen)).unwrap_err();
            assert_eq!(
                err,
                TransportError::PlainHttpOnNetwork(listen.parse().unwrap())
            );
            let text = err.to_string();
            assert!(
                text.contains("明文") && text.contains("plain HTTP"),
                "{text}"
            );
        }
    }

    #[test]
    fn plain_http_on_the_network_needs_an_explicit_opt_in() {
        let s = Settings {
            allow_plain_http: true,
            ..settings("0.0.0.0:8080")
        };
        assert_eq!(check_transport(&s), Ok(false));
    }

    #[test]
    fn tls_needs_both_files() {
        let s = Settings {
            tls_cert: "cert.pem".into(),
            ..settings("0.0.0.0:8443")
        };
        assert_eq!(check_transport(&s), Err(TransportError::HalfConfigured));
        let s = Settings {
            tls_key: "key.pem".into(),
            ..s
        };
        assert_eq!(check_transport(&s), Ok(true));
    }

    #[test]
    fn missing_files_are_a_clear_error() {
        let e = server_config(
            Path::new("/nonexistent/cert.pem"),
            Path::new("/nonexistent/key.pem"),
        )
        .unwrap_err();
        assert!(format!("{e:#}").contains("/nonexistent/cert.pem"), "{e:#}");
    }
}
