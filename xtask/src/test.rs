//! `cargo xtask test`: every check CI runs, in order of how fast they fail.

use crate::{
    apifuzz, app, bench, e2e, fuzz,
    postgres::Postgres,
    process::{cmd, run},
    root, step, tools,
};

pub fn test() -> anyhow::Result<()> {
    tools::ensure_test_tools()?;

    step("cargo fmt --check");
    run(cmd("cargo").args(["fmt", "--all", "--", "--check"]))?;

    step("cargo clippy (native and wasm)");
    run(cmd("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cmd("cargo").args([
        "clippy",
        "--package",
        "farewell",
        "--all-targets",
        "--locked",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;

    step("cargo deny: licenses, bans and sources (advisories need GitHub; see README)");
    tools::ensure_cargo_tool(
        "cargo-deny",
        "cargo-deny",
        tools::CARGO_DENY_VERSION,
        tools::Deps::Locked,
        tools::Build::Quick,
    )?;
    run(cmd("cargo").args(["deny", "check", "licenses", "bans", "sources"]))?;

    step("native tests (unit, API against a spawned server on SQLite)");
    run(cmd("cargo").args(["test", "--workspace", "--locked"]))?;

    api_on_postgres()?;

    wasm_tests()?;

    fuzz::fuzz_parsers()?;
    apifuzz::fuzz_api()?;
    app::build()?;
    e2e::end_to_end(&[])?;
    step("quick benchmarks (a regression against bench/budget.json fails)");
    bench::bench(true)?;
    println!("\nall tests passed in {}", crate::elapsed());
    Ok(())
}

/// The app's wasm-bindgen tests in headless Chromium through chromedriver.
fn wasm_tests() -> anyhow::Result<()> {
    step("wasm-bindgen-test in headless Chromium");
    // The runner ends each test binary's browser without chromedriver removing its profile,
    // ~100 MB under $TMPDIR per binary: every run left ~400 MB in /tmp until the disk filled.
    // The browser gets a folder of ours instead, removed whatever the outcome.
    let scratch = root().join("target/wasm-test-tmp");
    std::fs::create_dir_all(&scratch)?;
    let result = run(cmd("cargo")
        .args(["test", "--package", "farewell", "--target", "wasm32-unknown-unknown", "--locked"])
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("TMPDIR", &scratch));
    let removed = std::fs::remove_dir_all(&scratch);
    result?;
    Ok(removed?)
}

/// The API suite once more, every server in it on a throwaway PostgreSQL.
pub fn api_on_postgres() -> anyhow::Result<()> {
    let postgres = Postgres::start()?;
    step("the API suite on PostgreSQL");
    run(cmd("cargo")
        .args(["test", "--package", "farewell-server", "--test", "api", "--locked"])
        .env("FAREWELL_TEST_POSTGRES", &postgres.server_url))
}
