//! Installs what builds and tests need on a fresh Debian machine, skipping what is present.
//! Versions are pinned: trunk 0.21.14 (newer needs a newer rustc), wasm-bindgen-cli exactly
//! as in Cargo.lock, binaryen from npm (Debian's is too old), Chromium from Debian.

use std::path::Path;

use anyhow::{Context, bail};

use crate::{
    process::{cmd, output, run},
    root, step,
};

const TRUNK_VERSION: &str = "0.21.14";
pub const CARGO_DENY_VERSION: &str = "0.20.2";

/// Tools to build the web app.
pub fn ensure_build_tools() -> anyhow::Result<()> {
    ensure_wasm_target()?;
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, Deps::Locked, Build::Quick)?;
    let bindgen = locked_version("wasm-bindgen")?;
    ensure_cargo_tool(
        "wasm-bindgen",
        "wasm-bindgen-cli",
        &bindgen,
        Deps::Resolved,
        Build::Optimised,
    )?;
    ensure_npm_packages(&root().join("tools"))?;
    Ok(())
}

/// Tools to run the browser tests as well.
pub fn ensure_test_tools() -> anyhow::Result<()> {
    ensure_build_tools()?;
    ensure_chromium()?;
    ensure_npm_packages(&root().join("e2e"))?;
    Ok(())
}

fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed =
        output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|t| t.trim() == "wasm32-unknown-unknown") {
        step("installing the wasm32-unknown-unknown target");
        run(cmd("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// Which versions of its dependencies `cargo install` builds a tool with.
#[derive(Clone, Copy)]
pub enum Deps {
    /// The tool's own lock file (`--locked`): what its release was built and tested with.
    Locked,
    /// The newest its manifest allows: wasm-bindgen-cli's lock file pins a crate version the
    /// registry here lacks.
    Resolved,
}

/// How `cargo install` compiles a tool: on a fresh machine, compiling the tools is a third of
/// `cargo xtask test`.
#[derive(Clone, Copy)]
pub enum Build {
    /// Unoptimised and without debug info, for tools that mostly run other programs or read a
    /// few files. trunk's and cargo-deny's own release profiles are fat LTO with one codegen
    /// unit: 11m53s and 4m07s to install on a fresh machine here, against 4m21s and 1m23s
    /// this way, and trunk builds the app as fast (it waits on cargo, wasm-bindgen and
    /// wasm-opt), cargo-deny checks in 3.4 s instead of 1.7.
    Quick,
    /// The crate's own release profile: wasm-bindgen rewrites every wasm test binary (~50 MB
    /// each), 5.8 s a binary optimised against 25 s unoptimised.
    Optimised,
}

pub fn ensure_cargo_tool(
    binary: &str,
    krate: &str,
    version: &str,
    deps: Deps,
    build: Build,
) -> anyhow::Result<()> {
    let current = output(cmd(binary).arg("--version")).unwrap_or_default();
    if current.split_whitespace().any(|word| word == version) {
        return Ok(());
    }
    step(&format!("installing {krate} {version} (a few minutes, once)"));
    let mut install = cmd("cargo");
    install.args(["install", krate, "--version", version, "--force"]);
    if let Deps::Locked = deps {
        install.arg("--locked");
    }
    if let Build::Quick = build {
        install.arg("--debug").env("CARGO_PROFILE_DEV_DEBUG", "false");
    }
    run(&mut install)
}

/// The version of `package` that Cargo.lock pins.
fn locked_version(package: &str) -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&needle).with_context(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').context("Cargo.lock is malformed")? + start;
    Ok(lock[start..end].to_owned())
}

pub fn ensure_npm_packages(dir: &Path) -> anyhow::Result<()> {
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&installed)) {
        (Ok(lock), Ok(installed)) => installed.modified()? >= lock.modified()?,
        _ => false,
    };
    if !fresh {
        step(&format!("installing npm packages in {}", dir.display()));
        run(cmd("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir))?;
    }
    Ok(())
}

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const UNZIP: &str = "/usr/bin/unzip";
/// A Simplified Chinese font: without one, headless Chromium draws every hanzi as a box.
const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/// Chromium and ChromeDriver for the browser tests, a CJK font, and `unzip`, which the
/// export tests use to open archives the way a person would.
fn ensure_chromium() -> anyhow::Result<()> {
    if [CHROMIUM, CHROMEDRIVER, UNZIP, CJK_FONT].iter().all(|path| Path::new(path).exists()) {
        return Ok(());
    }
    step("installing Chromium, ChromeDriver, a CJK font and unzip from Debian");
    if !is_root() {
        bail!("Chromium is missing; run as root or `apt-get install chromium chromium-driver`");
    }
    run(cmd("apt-get").arg("update").env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(cmd("apt-get")
        .args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver", "unzip"])
        .arg("fonts-wqy-microhei")
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Installing from Debian, and running PostgreSQL as its own user, need root.
pub fn is_root() -> bool {
    output(cmd("id").arg("-u")).as_deref().map(str::trim) == Some("0")
}

/// A program from a Debian package, installed when missing (the benchmarks' `wrk`).
pub fn ensure_debian_tool(binary: &str, package: &str) -> anyhow::Result<()> {
    if output(cmd("which").arg(binary)).is_some() {
        return Ok(());
    }
    step(&format!("installing {package} from Debian"));
    apt_install(&[package])
}

/// Installs Debian packages (as root, like every install here).
pub fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    run(cmd("apt-get").arg("update").env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(cmd("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}
