//! Fuzzing the API from its own OpenAPI document with schemathesis (PyPI, pinned in
//! `tools/apifuzz/requirements.txt`): no 5xx, every answer matches its schema, bad input is
//! refused, auth is enforced — on a fresh database, in bounded time.

use std::path::PathBuf;

use anyhow::bail;

use crate::{
    fuzz,
    process::{cmd, run},
    root,
    server::TestServer,
    step,
};

/// Examples per operation; the seed is shared with `cargo fuzz` (`fuzz::seed`).
const MAX_EXAMPLES: &str = "40";
/// Budget of the first run (every operation but signing in) and of the sign-in run.
const MAX_SECONDS: [&str; 2] = ["90", "30"];
/// Runs last and alone: its wrong passwords throttle sign-in from this address, and every
/// other operation needs the hook to sign in.
const SIGN_IN: &str = "POST /session";

fn venv() -> PathBuf {
    root().join("target/tools/apifuzz")
}

/// A virtualenv with exactly the pinned packages, rebuilt when the pins change.
fn ensure_schemathesis() -> anyhow::Result<PathBuf> {
    let requirements = root().join("tools/apifuzz/requirements.txt");
    let pins = std::fs::read_to_string(&requirements)?;
    let stamp = venv().join("requirements.txt");
    let binary = venv().join("bin/schemathesis");
    if binary.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(pins.as_str()) {
        return Ok(binary);
    }
    step("installing schemathesis from PyPI (once)");
    let _ = std::fs::remove_dir_all(venv());
    run(cmd("python3").args(["-m", "venv"]).arg(venv()))?;
    run(cmd(venv().join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))?;
    std::fs::write(stamp, pins)?;
    Ok(binary)
}

pub fn fuzz_api() -> anyhow::Result<()> {
    let schemathesis = ensure_schemathesis()?;
    step("fuzzing the API from its OpenAPI document (schemathesis)");
    TestServer::build()?;
    let server = TestServer::start("apifuzz")?;
    let api = format!("{}/api/v1", server.url());
    let seed = fuzz::seed();
    let tools = root().join("tools/apifuzz");
    let runs = [["--exclude-name", SIGN_IN], ["--include-name", SIGN_IN]];
    for (filter, budget) in runs.iter().zip(MAX_SECONDS) {
        let mut command = cmd(&schemathesis);
        command
            .arg("--config-file")
            .arg(tools.join("schemathesis.toml"))
            .args(["run", &format!("{api}/openapi.json"), "--checks", "all"])
            .args(filter)
            .args(["--max-examples", MAX_EXAMPLES, "--max-time", budget, "--seed", &seed])
            .args(["--workers", "2"])
            .env("FAREWELL_API", &api)
            .env("SCHEMATHESIS_HOOKS", "hooks")
            .env("PYTHONPATH", &tools)
            // schemathesis keeps a cache in its working directory.
            .current_dir(venv());
        if run(&mut command).is_err() {
            bail!("schemathesis found failures; replay them with FAREWELL_FUZZ_SEED={seed}");
        }
    }
    drop(server);
    Ok(())
}
