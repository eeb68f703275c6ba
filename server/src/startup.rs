//! Builds the application: state, router and listener. `main` and the tests share this.

use std::{net::SocketAddr, sync::Arc};

use anyhow::Context;
use axum::{Router, middleware};
use tokio::{net::TcpListener, sync::Notify, task::JoinSet};
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;

use crate::{
    clock::Clock,
    config::Config,
    domain::receipt,
    password::Passwords,
    routes, security, seed, sign_in_page,
    state::{AppState, Shared},
    static_files, store, workers,
    workers::outbox::OutboxWorker,
};

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    /// Opens the database, seeds demo data in dev mode, and binds the port (0 picks a free one).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = store::connect_with(&config.database_url, config.postgres_connections).await?;
        let address = SocketAddr::new(config.bind, config.port);
        let listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address}"))?;
        let public_url = match &config.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", listener.local_addr()?),
        };
        let code_key = store::secrets::get_or_create(&db, "code_key", 32).await?;
        let receipt_seed = store::secrets::get_or_create(&db, "receipt_key", 32).await?;
        let tombstone_key = store::secrets::get_or_create(&db, "tombstone_key", 32).await?;
        let state = AppState::new(Shared {
            code_key: code_key.into(),
            writes: store::write_gate::WriteGate::for_backend(store::Backend::of(&db)),
            db,
            clock: Clock::default(),
            passwords: Passwords::new().await?,
            config: Arc::new(config),
            public_url: public_url.into(),
            outbox_wake: Arc::new(Notify::new()),
            receipt_key: Arc::new(receipt::signing_key(&receipt_seed)?),
            tombstone_key: tombstone_key.into(),
            shutdown: CancellationToken::new(),
        });
        if state.config.dev && seed::seed_if_empty(&state).await? {
            tracing::info!("seeded the demo accounts");
        }
        Ok(Self { listener, router: build_router(state.clone()), state })
    }

    pub fn address(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGTERM or Ctrl-C, then stops taking connections, lets in-flight requests
    /// finish, and waits for the workers to hand back their claims.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let mut workers = JoinSet::new();
        workers.spawn(workers::checkpoint::run(self.state.db.clone(), self.state.shutdown.clone()));
        if self.state.config.workers {
            let outbox = OutboxWorker::new(
                self.state.db.clone(),
                self.state.writes.clone(),
                self.state.clock.clone(),
                self.state.outbox_wake.clone(),
                self.state.config.smtp_url.as_deref(),
            )?
            .stopping_on(self.state.shutdown.clone());
            workers.spawn(outbox.run());
            workers.spawn(workers::grace::run(self.state.clone()));
            workers.spawn(workers::export::run(self.state.clone()));
        }
        let shutdown = self.state.shutdown.clone();
        let stopping = async move {
            shutdown_signal().await;
            tracing::info!("stopping: finishing in-flight requests and handing back claims");
            shutdown.cancel();
        };
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service).with_graceful_shutdown(stopping).await?;
        if tokio::time::timeout(WORKERS_STOP_WITHIN, workers.join_all()).await.is_err() {
            tracing::warn!("workers did not stop in time; their leases will run out instead");
        }
        Ok(())
    }
}

/// How long a stopping server waits for its workers (a purge step or a message in hand).
const WORKERS_STOP_WITHIN: std::time::Duration = std::time::Duration::from_secs(20);

pub fn build_router(state: AppState) -> Router {
    let api = routes::api_router().with_state(state.clone());
    Router::new()
        .nest(farewell_api::API_PREFIX, api)
        .merge(sign_in_page::router(&state.config.dist_dir).with_state(state.clone()))
        .merge(static_files::router(&state.config.dist_dir))
        .layer(middleware::from_fn(security::security_headers))
        .layer(TraceLayer::new_for_http())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
