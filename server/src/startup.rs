//! Building the application: database, banks, keys, HTTP server and background jobs.
//! Used by `main` and by the integration tests (which bind port 0).

use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use tracing_actix_web::TracingLogger;

use crate::auth::TokenKeys;
use crate::config::Settings;
use crate::metrics::{self, Metrics};
use crate::reports::pdf::{find_cjk_font, FontSource};
use crate::routes;
use crate::service::{archive, delivery, sweeper, AppState, Catalog};
use crate::store::Store;
use crate::telemetry::RequestSpan;
use crate::tls;

/// A built, not yet running, server.
pub struct Application {
    port: u16,
    tls: bool,
    server: Server,
    state: AppState,
}

impl Application {
    /// Open the database, load the bundled banks, bind the listener and start the sweeper.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let tls = tls::check_transport(&settings)?;
        let tls_config = if tls {
            Some(tls::server_config(
                Path::new(&settings.tls_cert),
                Path::new(&settings.tls_key),
            )?)
        } else {
            None
        };
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("create data dir {}", settings.data_dir.display()))?;
        let store = Store::open(&settings).await?;
        tracing::info!(database = store.backend(), "database open");
        let bank = question_bank::bundled::bundled_bank().map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!(version = %bank.version(), questions = bank.questions().len(), "bundled banks loaded");
        let catalog = Arc::new(Catalog::new(store.clone(), bank).await?);
        if !settings.database_url.0.is_empty() && settings.jwt_secret.0.is_empty() {
            tracing::warn!(
                "jwt_secret is not set: this instance signs tokens with its own generated key, \
                 so tokens from other instances sharing the database are refused here"
            );
        }
        let keys = TokenKeys::new(&jwt_secret(&settings)?);
        let state = AppState {
            store,
            catalog,
            keys: keys.clone(),
            settings: Arc::new(settings.clone()),
            archive_key: Arc::new(archive::load_or_create_key(&settings.data_dir)?),
            report_font: report_font(&settings),
            metrics: Metrics::new(),
            papers: Arc::default(),
            start_gate: Default::default(),
        };
        crate::service::practical::install_bundled_templates(&state).await?;
        archive::register_key(&state).await?;

        let listener = TcpListener::bind(settings.listen)
            .with_context(|| format!("bind {}", settings.listen))?;
        let port = listener.local_addr()?.port();
        let app_state = web::Data::new(state.clone());
        let app_keys = web::Data::new(keys);
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(metrics::record_request))
                .wrap(TracingLogger::<RequestSpan>::new())
                .app_data(app_state.clone())
                .app_data(app_keys.clone())
                .configure(routes::configure)
        });
        let server = match tls_config {
            Some(config) => server.listen_rustls_0_23(listener, config)?,
            None => server.listen(listener)?,
        }
        .run();
        tokio::spawn(sweeper::run(
            state.clone(),
            Duration::from_millis(settings.sweeper_interval_ms.max(50)),
        ));
        if !settings.transmission_endpoint.is_empty() {
            tokio::spawn(delivery::run(
                state.clone(),
                Duration::from_millis(settings.transmission_interval_ms.max(50)),
            ));
        }
        Ok(Application {
            port,
            tls,
            server,
            state,
        })
    }

    /// The bound port (useful when listening on port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `https` when serving TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls {
            "https"
        } else {
            "http"
        }
    }

    /// Shared state, for seeding.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serve until the process is told to stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.state.store.close().await;
        result
    }
}

/// The CJK font for PDFs; without one the server runs and PDF requests get a 503.
fn report_font(settings: &Settings) -> Result<FontSource, Arc<String>> {
    let configured = (!settings.report_font.is_empty()).then(|| Path::new(&settings.report_font));
    match find_cjk_font(configured) {
        Ok(font) => {
            tracing::info!(family = font.family(), "PDF font loaded");
            Ok(font)
        }
        Err(e) => {
            tracing::warn!(error = %e, "no CJK font: PDF reports are unavailable");
            Err(Arc::new(e.to_string()))
        }
    }
}

/// The configured token secret, or one generated once into `<data_dir>/jwt.key`.
fn jwt_secret(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if !settings.jwt_secret.0.is_empty() {
        return Ok(settings.jwt_secret.0.as_bytes().to_vec());
    }
    let path = settings.data_dir.join("jwt.key");
    if path.exists() {
        return Ok(std::fs::read_to_string(&path)?.trim().as_bytes().to_vec());
    }
    let key: [u8; 32] = rand::random();
    write_private(&path, &hex::encode(key))?;
    Ok(hex::encode(key).into_bytes())
}

/// Write a file readable only by its owner.
pub fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("write {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    Ok(())
}
