//! How a terminal reaches the server safely: which certificates it trusts (the public
//! roots plus the institution's CA), an optional certificate pin, and the rule that
//! answers never cross the network in plain HTTP unless the operator says so.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use reqwest::Url;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use sha2::{Digest, Sha256};

/// Transport flags shared by `exam` and `simulate`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TransportArgs {
    /// The institution's CA certificate (PEM), trusted in addition to the public roots.
    #[arg(long, env = "CRANE_EXAM_CA_FILE")]
    pub ca_file: Option<PathBuf>,
    /// SHA-256 of the server certificate's DER (hex, colons allowed, as printed by
    /// `openssl x509 -noout -fingerprint -sha256`); any other certificate is refused.
    #[arg(long, env = "CRANE_EXAM_PIN_SHA256")]
    pub pin_sha256: Option<String>,
    /// Allow plain http:// to a server that is not on this machine.
    #[arg(long, env = "CRANE_EXAM_ALLOW_PLAIN_HTTP")]
    pub allow_plain_http: bool,
}

/// A SHA-256 certificate pin.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Pin([u8; 32]);

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pin({})", hex::encode(self.0))
    }
}

impl std::str::FromStr for Pin {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<Pin> {
        let digits: String = s.trim().chars().filter(|c| *c != ':').collect();
        let bytes = hex::decode(&digits)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .with_context(|| {
                format!("证书指纹应为 64 位十六进制 SHA-256 pin must be 64 hex digits: {s}")
            })?;
        Ok(Pin(bytes))
    }
}

/// The transport settings, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transport {
    /// Extra trusted CA certificates (PEM).
    pub ca_file: Option<PathBuf>,
    /// Accept only this server certificate.
    pub pin: Option<Pin>,
    /// Plain HTTP to another machine was explicitly allowed.
    pub allow_plain_http: bool,
}

impl Transport {
    /// From flags alone (`simulate` has no config file).
    pub fn from_args(args: &TransportArgs) -> anyhow::Result<Transport> {
        Ok(Transport {
            ca_file: args.ca_file.clone(),
            pin: args.pin_sha256.as_deref().map(str::parse).transpose()?,
            allow_plain_http: args.allow_plain_http,
        })
    }

    /// Refuse a server URL that is not http(s), or plain HTTP to another machine unless
    /// allowed.
    pub fn check_url(&self, server: &str) -> anyhow::Result<()> {
        let url = Url::parse(server)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .with_context(|| format!("服务器地址应以 http:// 或 https:// 开头：{server}"))?;
        if url.scheme() == "http" && !self.allow_plain_http && !is_loopback(&url) {
            anyhow::bail!(
                "拒绝以明文 HTTP 连接其他主机 {server}：请使用 https://，或明确指定 --allow-plain-http。\n\
                 refusing plain HTTP to a non-loopback host: use https:// or pass --allow-plain-http"
            );
        }
        Ok(())
    }

    /// The rustls configuration for reqwest: public roots plus the CA file; with a pin,
    /// the server certificate must match it (and, when a CA file is given, also chain to
    /// a trusted root and name the host).
    pub fn client_config(&self) -> anyhow::Result<rustls::ClientConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(path) = &self.ca_file {
            for cert in read_certificates(path)? {
                roots.add(cert).with_context(|| {
                    format!("CA 证书无效 invalid CA certificate in {}", path.display())
                })?;
            }
        }
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .context("TLS protocol versions")?;
        let config = match self.pin {
            None => builder.with_root_certificates(roots),
            Some(pin) => {
                let chain = match &self.ca_file {
                    Some(_) => Some(
                        WebPkiServerVerifier::builder_with_provider(
                            Arc::new(roots),
                            provider.clone(),
                        )
                        .build()
                        .context("certificate verifier")?,
                    ),
                    None => None,
                };
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(PinnedVerifier {
                        pin,
                        chain,
                        provider,
                    }))
            }
        };
        Ok(config.with_no_client_auth())
    }
}

fn read_certificates(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .with_context(|| format!("无法读取 CA 证书 cannot read CA file {}", path.display()))?;
    anyhow::ensure!(
        !certs.is_empty(),
        "CA 文件中没有证书 no certificate in {}",
        path.display()
    );
    Ok(certs)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Accepts exactly the pinned certificate; with `chain`, it must also pass the usual
/// WebPKI checks. Handshake signatures are always verified, so the server must hold the
/// pinned certificate's key.
#[derive(Debug)]
struct PinnedVerifier {
    pin: Pin,
    chain: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        if seen != self.pin.0 {
            return Err(rustls::Error::General(format!(
                "服务器证书指纹不符 server certificate pin mismatch: expected {}, got {}",
                hex::encode(self.pin.0),
                hex::encode(seen)
            )));
        }
        if let Some(chain) = &self.chain {
            chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_parse_from_plain_or_colon_separated_hex() {
        let hex64 = "ab".repeat(32);
        let colons = vec!["AB"; 32].join(":");
        assert_eq!(
            hex64.parse::<Pin>().unwrap(),
            colons.parse::<Pin>().unwrap()
        );
        for bad in ["", "abcd", &"zz".repeat(32), &"ab".repeat(33)] {
            assert!(bad.parse::<Pin>().is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_http_is_refused_to_other_hosts_unless_allowed() {
        let strict = Transport::default();
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.8.9.10",
            "http://localhost:8080",
            "http://[::1]:8080",
            "https://exam.lan",
            "https://192.168.1.5:8443",
        ] {
            strict.check_url(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for refused in [
            "http://exam.lan:8080",
            "http://192.168.1.5:8080",
            "http://[fe80::1]/",
        ] {
            let e = strict.check_url(refused).unwrap_err().to_string();
            assert!(
                e.contains("明文") && e.contains("--allow-plain-http"),
                "{e}"
            );
        }
        let lax = Transport {
            allow_plain_http: true,
            ..Transport::default()
        };
        lax.check_url("http://exam.lan:8080").unwrap();
        assert!(strict.check_url("exam.lan:8080").is_err());
        assert!(strict.check_url("ftp://exam.lan").is_err());
    }

    #[test]
    fn a_missing_ca_file_is_a_clear_error() {
        let t = Transport {
            ca_file: Some("/nonexistent/ca.pem".into()),
            ..Transport::default()
        };
        let e = format!("{:#}", t.client_config().unwrap_err());
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
    }
}
