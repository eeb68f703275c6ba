//! End-to-end: the real server (fresh database, demo data, random free port) serving the built
//! app, driven by playwright-core in Debian's Chromium.

use crate::{
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

/// Every spec file gets its own server and fresh database, so no file depends on what another
/// did to the demo accounts.
pub fn end_to_end() -> anyhow::Result<()> {
    step("end-to-end tests in Chromium");
    TestServer::build()?;
    let mut files: Vec<String> = std::fs::read_dir(root().join("e2e"))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.js"))
        .collect();
    files.sort();
    for file in files {
        let server = TestServer::start("e2e")?;
        run_file(&file, &server.url())?;
    }
    Ok(())
}
