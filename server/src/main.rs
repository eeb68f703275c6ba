//! Entry point: configuration from the environment, logging, then serve until SIGTERM/Ctrl-C
//! (or an operator command, see `operator`).

use farewell_server::{config::Config, operator, seed, startup::Application};
use tracing_subscriber::EnvFilter;

// Every request allocates small short-lived buffers on several threads (tokio's and each
// SQLite connection's); glibc's allocator spent a fifth of a point read's time on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info")),
        )
        // stdout is for what a command prints (the URL, audit lines); logs go to stderr.
        .with_writer(std::io::stderr)
        .init();

    let config = Config::from_env()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None => {}
        Some("audit") => return operator::audit(&args[1..], &config).await,
        Some(_) => {
            eprintln!("{}", operator::USAGE);
            std::process::exit(2);
        }
    }
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
