//! `cargo xtask screenshots`: PNGs of every screen (both languages, light and dark, 320 and
//! 1280 px) in `target/screenshots/`, taken in Chromium from a fresh server with demo data.

use crate::{
    app,
    process::{cmd, run},
    root,
    server::TestServer,
    step, tools,
};

pub fn screenshots() -> anyhow::Result<()> {
    tools::ensure_test_tools()?;
    app::build()?;
    TestServer::build()?;
    step("taking screenshots");
    let server = TestServer::start("screenshots")?;
    let out = root().join("target/screenshots");
    run(cmd("node")
        .arg("screenshots.js")
        .current_dir(root().join("e2e"))
        .env("BASE_URL", server.url())
        .env("OUT_DIR", &out)
        .env("CHROMIUM", tools::CHROMIUM))
}
