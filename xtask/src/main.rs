//! `cargo xtask <command>`: the only commands a newcomer needs.

mod apifuzz;
mod app;
mod bench;
mod e2e;
mod fuzz;
mod locales;
mod nginx;
mod postgres;
mod prerender;
mod process;
mod screenshots;
mod serve;
mod server;
mod test;
mod tools;

use std::{path::PathBuf, time::Instant};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  serve        install missing tools, build the app, start it with demo data
  test         install what tests need and run every test
  dev          live-reloading app (trunk serve) in front of the API server
  bench        measure speed and size against same-run baselines (--quick: a short run
               that fails on a regression against bench/budget.json)
  screenshots  PNGs of every screen and step in target/screenshots/
  prerender    write prerendered/: the sign-in screen as the app draws it, for the pages
  postgres     only the PostgreSQL part of `test`: the API suite on a throwaway cluster
  e2e          only the end-to-end part of `test` (optionally only the files named, and
               `proxy` for the journey behind nginx)
  fuzz         only the fuzzing part of `test` (FAREWELL_FUZZ_SECONDS per parser target,
               FAREWELL_FUZZ_SEED for other API inputs)";

fn main() {
    std::sync::LazyLock::force(&STARTED);
    let command = std::env::args().nth(1).unwrap_or_default();
    let result = match command.as_str() {
        "serve" => serve::serve(),
        "test" => test::test(),
        "dev" => serve::dev(),
        "screenshots" => screenshots::screenshots(),
        "prerender" => prerender::prerender(),
        "bench" => bench::bench(std::env::args().any(|a| a == "--quick")),
        "e2e" => tools::ensure_test_tools().and_then(|()| app::build()).and_then(|()| {
            let only: Vec<String> = std::env::args().skip(2).collect();
            e2e::end_to_end(&only)
        }),
        "postgres" => test::api_on_postgres(),
        "fuzz" => fuzz::fuzz_parsers().and_then(|()| apifuzz::fuzz_api()),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(err) = result {
        eprintln!("\nxtask {command} failed: {err:#}");
        std::process::exit(1);
    }
}

/// The workspace root: xtask lives one folder below it.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

/// When the command started: every step says how far in it begins, so a slow CI run shows
/// where its minutes went.
static STARTED: std::sync::LazyLock<Instant> = std::sync::LazyLock::new(Instant::now);

/// Minutes and seconds since the command started: "12:07".
fn elapsed() -> String {
    let seconds = STARTED.elapsed().as_secs();
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

fn step(title: &str) {
    println!("\n==> [{}] {title}", elapsed());
}
