//! End-to-end: the real server (fresh database, demo data, random free port) serving the built
//! app, driven by playwright-core in Debian's Chromium.

use std::path::Path;

use crate::{
    app,
    nginx::Nginx,
    postgres::Postgres,
    process::{cmd, run},
    root,
    server::TestServer,
    step, tools,
};

fn run_file(file: &str, base_url: &str) -> anyhow::Result<()> {
    run(cmd("node")
        .args(["--test", "--test-concurrency=1", file])
        .current_dir(root().join("e2e"))
        .env("BASE_URL", base_url)
        .env("CHROMIUM", tools::CHROMIUM))
}

/// Runs `e2e/<script>` (not a test: a tool that writes into `out`) against a fresh server
/// with demo data, after building what it needs.
pub fn write_with_browser(what: &str, script: &str, out: &Path) -> anyhow::Result<()> {
    tools::ensure_test_tools()?;
    app::build()?;
    TestServer::build()?;
    step(what);
    let server = TestServer::start(script.trim_end_matches(".js"))?;
    run(cmd("node")
        .arg(script)
        .current_dir(root().join("e2e"))
        .env("BASE_URL", server.url())
        .env("OUT_DIR", out)
        .env("CHROMIUM", tools::CHROMIUM))
}

/// Every spec file gets its own server and fresh database, so no file depends on what another
/// did to the demo accounts. `only` names the files to run (`proxy` for the run behind nginx);
/// empty runs them all.
pub fn end_to_end(only: &[String]) -> anyhow::Result<()> {
    step("end-to-end tests in Chromium");
    TestServer::build()?;
    let mut files: Vec<String> = std::fs::read_dir(root().join("e2e"))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.js"))
        .filter(|name| only.is_empty() || only.contains(name))
        .collect();
    files.sort();
    for file in files {
        let server = TestServer::start("e2e")?;
        run_file(&file, &server.url())?;
    }
    if only.is_empty() || only.iter().any(|name| name == "proxy") {
        behind_a_proxy()?;
    }
    Ok(())
}

/// The close-account journey once more, as several machines would serve it: nginx balancing
/// two replicas on one PostgreSQL, so consecutive steps land on different replicas.
fn behind_a_proxy() -> anyhow::Result<()> {
    let postgres = Postgres::start()?;
    let database_url = postgres.create_database("farewell_e2e")?;
    step("the close-account journey behind nginx, two replicas on PostgreSQL");
    let dist = root().join("dist");
    // One after the other: the first seeds the demo data, the second finds it there.
    let settings =
        [("DATABASE_URL", database_url.as_str()), ("FAREWELL_TRUSTED_PROXIES", "127.0.0.1")];
    let first = TestServer::start_on("e2e-replica-1", "debug", &dist, &settings)?;
    let second = TestServer::start_on("e2e-replica-2", "debug", &dist, &settings)?;
    let nginx = Nginx::start(&[first.port, second.port])?;
    run_file("close_account.test.js", &nginx.url())
}
