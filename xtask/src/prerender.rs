//! `cargo xtask prerender`: writes `prerendered/signin.<lang>.html`, the sign-in screen as the
//! app draws it in each language, taken from the running app in Chromium. The build puts it
//! into the sign-in pages; an end-to-end test fails when the app no longer draws it so.

use crate::{
    app,
    process::{cmd, run},
    root,
    server::TestServer,
    step, tools,
};

pub fn prerender() -> anyhow::Result<()> {
    tools::ensure_test_tools()?;
    app::build()?;
    TestServer::build()?;
    step("pre-rendering the sign-in screen");
    let server = TestServer::start("prerender")?;
    run(cmd("node")
        .arg("prerender.js")
        .current_dir(root().join("e2e"))
        .env("BASE_URL", server.url())
        .env("OUT_DIR", root().join("prerendered"))
        .env("CHROMIUM", tools::CHROMIUM))?;
    // The pages carry the old screen until they are built again.
    app::build()
}
