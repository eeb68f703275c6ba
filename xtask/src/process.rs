//! Running child commands with the project's tools on `PATH`, failing loudly.

use std::{
    ffi::OsStr,
    process::{Command, Stdio},
};

use anyhow::{Context, bail};

use crate::root;

/// A command run from the workspace root, with `tools/node_modules/.bin` and cargo's bin
/// folder on `PATH` so trunk finds the pinned wasm-opt and wasm-bindgen.
pub fn cmd(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root()).env("PATH", tool_path());
    command
}

pub fn tool_path() -> String {
    let root = root();
    let cargo_bin = std::env::var("CARGO_HOME")
        .map(|home| format!("{home}/bin"))
        .unwrap_or_else(|_| format!("{}/.cargo/bin", std::env::var("HOME").unwrap_or_default()));
    format!(
        "{}:{cargo_bin}:{}",
        root.join("tools/node_modules/.bin").display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Runs to completion; a non-zero exit is an error naming the command.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{command:?}");
    let status = command.status().with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} exited with {status}");
    }
    Ok(())
}

/// Runs and returns stdout, or `None` when the program is missing or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
