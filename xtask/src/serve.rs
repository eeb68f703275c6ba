//! `cargo xtask serve` and `cargo xtask dev`.

use crate::{
    app,
    process::{cmd, run},
    step, tools,
};

/// Installs what is missing, builds, and runs the server with demo data until Ctrl-C.
pub fn serve() -> anyhow::Result<()> {
    tools::ensure_build_tools()?;
    app::build()?;
    step("starting the server with demo data (Ctrl-C stops it)");
    run(cmd("cargo")
        .args(["run", "--release", "--locked", "--package", "farewell-server"])
        .env("FAREWELL_DEV", "1"))
}

/// trunk serve (live reload, port 8081) in front of the API server (port 8080).
pub fn dev() -> anyhow::Result<()> {
    tools::ensure_build_tools()?;
    step("starting the API server on :8080 and trunk serve on :8081");
    let mut server = cmd("cargo")
        .args(["run", "--locked", "--package", "farewell-server"])
        .env("FAREWELL_DEV", "1")
        .spawn()?;
    let result = run(cmd("trunk").args(["serve", "--offline"]));
    let _ = server.kill();
    result
}
