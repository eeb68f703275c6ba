//! `cargo fuzz` targets for every parser of untrusted input (`fuzz/fuzz_targets/`), each run
//! for a bounded time. Safe Rust needs no AddressSanitizer, so the targets build without one;
//! `RUSTC_BOOTSTRAP` lets the stable toolchain accept the coverage flags cargo-fuzz passes,
//! so no nightly download is needed.

use anyhow::{Context, bail};

use crate::{
    process::{cmd, output, run},
    root, step, tools,
};

const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// Seconds per target in `cargo xtask test`; `cargo xtask fuzz` takes `FAREWELL_FUZZ_SECONDS`.
const SECONDS_PER_TARGET: &str = "6";
/// A fixed seed makes a run repeatable: a slower machine explores a prefix of the same inputs,
/// so a failure in CI reproduces here. `FAREWELL_FUZZ_SEED` explores elsewhere.
const DEFAULT_SEED: &str = "20261126";

/// The seed of both fuzzers (`cargo fuzz` and schemathesis).
pub fn seed() -> String {
    std::env::var("FAREWELL_FUZZ_SEED").unwrap_or_else(|_| DEFAULT_SEED.to_owned())
}

fn cargo_fuzz() -> std::process::Command {
    let mut command = cmd("cargo");
    command.arg("fuzz").current_dir(root().join("fuzz")).env("RUSTC_BOOTSTRAP", "1");
    command
}

pub fn fuzz_parsers() -> anyhow::Result<()> {
    tools::ensure_cargo_tool(
        "cargo-fuzz",
        "cargo-fuzz",
        CARGO_FUZZ_VERSION,
        tools::Deps::Locked,
        tools::Build::Quick,
    )?;
    step("fuzzing the parsers of untrusted input (cargo fuzz)");
    let target_dir = root().join("target/fuzz");
    let targets = output(cargo_fuzz().arg("list")).context("cargo fuzz list failed")?;
    let seconds =
        std::env::var("FAREWELL_FUZZ_SECONDS").unwrap_or_else(|_| SECONDS_PER_TARGET.to_owned());
    let seed = seed();
    let build = ["--release", "--sanitizer", "none", "--target-dir"];
    run(cargo_fuzz().arg("build").args(build).arg(&target_dir))?;
    let mut total = 0u64;
    for target in targets.lines().map(str::trim).filter(|t| !t.is_empty()) {
        let corpus = root().join("target/fuzz/corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        let out = cargo_fuzz()
            .args(["run", target])
            .args(build)
            .arg(&target_dir)
            .arg(&corpus)
            .args(["--", &format!("-max_total_time={seconds}"), &format!("-seed={seed}")])
            .output()
            .with_context(|| format!("cannot run fuzz target {target}"))?;
        let log = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            eprintln!("{log}");
            bail!(
                "fuzz target {target} failed (seed {seed}); the input is in fuzz/artifacts/{target}"
            );
        }
        let runs = executions(&log).with_context(|| format!("no run count from {target}"))?;
        println!("{target}: {runs} executions in {seconds} s, no failure");
        total += runs;
    }
    println!("cargo fuzz: {total} executions in all");
    Ok(())
}

/// libFuzzer's closing line: `Done 9267392 runs in 11 second(s)`.
fn executions(log: &str) -> Option<u64> {
    log.lines().rev().find_map(|line| line.strip_prefix("Done ")?.split(' ').next()?.parse().ok())
}
