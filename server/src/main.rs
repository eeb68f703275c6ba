//! Entry point: configuration from the environment, logging, then serve until SIGTERM/Ctrl-C.

use farewell_server::{config::Config, seed, startup::Application};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info")),
        )
        .init();

    let config = Config::from_env()?;
    let app = Application::build(config).await?;
    let url = format!("http://{}", app.address());
    tracing::info!("listening on {url}");
    if app.state().config.dev {
        // Dev mode only: the person who ran `cargo xtask serve` needs a way in.
        println!("\n  Farewell is running at {url}\n");
        println!(
            "  Demo sign-in: {} (or {}) / password {}\n",
            seed::DEMO_EMAIL,
            seed::DEMO_PHONE,
            seed::DEMO_PASSWORD
        );
    }
    app.run_until_stopped().await
}
