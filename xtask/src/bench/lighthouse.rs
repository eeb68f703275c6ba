//! Lighthouse (npm `lighthouse`, pinned in `bench/lighthouse/`) in Debian's Chromium, with
//! its desktop and mobile presets, on `/signin` and on `/account` signed in: the performance
//! score (median of the rounds) and the worst layout shift seen.

use anyhow::Context;
use serde_json::Value;

use super::{Effort, Goal, Row, percentile};
use crate::{process::cmd, root, server::TestServer, tools};

const PAGES: [&str; 2] = ["/signin", "/account"];

#[derive(Clone, Copy, PartialEq)]
enum Preset {
    Desktop,
    Mobile,
}

impl Preset {
    fn name(self) -> &'static str {
        match self {
            Self::Desktop => "desktop",
            Self::Mobile => "mobile",
        }
    }

    fn goal(self) -> Goal {
        match self {
            Self::Desktop => Goal::AtLeast(98.0, ""),
            Self::Mobile => Goal::AtLeast(90.0, ""),
        }
    }
}

/// One Lighthouse run's figures.
struct Audit {
    performance: f64,
    accessibility: f64,
    cls: f64,
}

pub fn lighthouse(server: &TestServer, cookie: &str, effort: Effort) -> anyhow::Result<Vec<Row>> {
    let dir = root().join("bench/lighthouse");
    tools::ensure_npm_packages(&dir)?;
    let mut rows = Vec::new();
    let mut worst_cls: f64 = 0.0;
    for page in PAGES {
        for preset in [Preset::Desktop, Preset::Mobile] {
            let audits = (0..effort.rounds)
                .map(|round| with_retries(|| audit(server, page, preset, cookie, round)))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let scores: Vec<f64> = audits.iter().map(|a| a.performance).collect();
            let score = percentile(&scores, 50.0);
            let accessibility = audits.iter().map(|a| a.accessibility).fold(100.0, f64::min);
            worst_cls = audits.iter().map(|a| a.cls).fold(worst_cls, f64::max);
            rows.push(Row::absolute(
                "lighthouse",
                &format!("Lighthouse performance, {} preset, {page}", preset.name()),
                format!("{score:.0} (accessibility {accessibility:.0})"),
                score,
                preset.goal(),
            ));
        }
    }
    rows.push(Row::absolute(
        "lighthouse_cls",
        "Lighthouse cumulative layout shift, worst of those runs",
        format!("{worst_cls:.3}"),
        worst_cls,
        Goal::AtMost(0.0, ""),
    ));
    Ok(rows)
}

/// Lighthouse sometimes fails to record its trace ("Please run Lighthouse again"); each run
/// gets two more tries before the bench fails.
fn with_retries<T>(mut run: impl FnMut() -> anyhow::Result<T>) -> anyhow::Result<T> {
    let mut tries = 1;
    loop {
        match run() {
            Err(error) if tries < 3 => {
                println!("lighthouse failed, trying again: {error:#}");
                tries += 1;
            }
            result => return result,
        }
    }
}

fn audit(
    server: &TestServer,
    page: &str,
    preset: Preset,
    cookie: &str,
    round: usize,
) -> anyhow::Result<Audit> {
    let dir = root().join("bench/lighthouse");
    let report = root().join(format!(
        "target/bench/lighthouse{}-{}-{round}.json",
        page.replace('/', "-"),
        preset.name()
    ));
    let mut lighthouse = cmd("node");
    lighthouse
        .arg("node_modules/lighthouse/cli/index.js")
        .arg(format!("{}{page}", server.url()))
        .args(["--output=json", "--quiet", "--chrome-flags=--headless=new --no-sandbox"])
        .arg(format!("--output-path={}", report.display()))
        .env("CHROME_PATH", tools::CHROMIUM)
        .current_dir(&dir);
    // Signed in for the account page; a signed-in visit to /signin goes on to /account.
    if page != "/signin" {
        lighthouse.arg(format!("--extra-headers={}", serde_json::json!({ "Cookie": cookie })));
    }
    if preset == Preset::Desktop {
        lighthouse.arg("--preset=desktop");
    }
    let out = lighthouse.output().context("cannot run lighthouse")?;
    anyhow::ensure!(
        out.status.success(),
        "lighthouse {page} ({}): {}",
        preset.name(),
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&report)?)?;
    let landed = json["finalDisplayedUrl"].as_str().unwrap_or_default();
    anyhow::ensure!(landed.ends_with(page), "lighthouse {page} ended on {landed}");
    let number = |pointer: &str| {
        json.pointer(pointer)
            .and_then(Value::as_f64)
            .with_context(|| format!("no {pointer} in {}", report.display()))
    };
    Ok(Audit {
        performance: number("/categories/performance/score")? * 100.0,
        accessibility: number("/categories/accessibility/score")? * 100.0,
        cls: number("/audits/cumulative-layout-shift/numericValue")?,
    })
}
