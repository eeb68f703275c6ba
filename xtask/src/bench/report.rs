//! The benchmark table: Markdown for people (and the README), JSON for tools.

use std::{fs, path::Path};

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: &'static str,
    pub figure: String,
    pub baseline: String,
    pub ours: String,
    /// The ratio to the baseline, or the absolute figure where there is no baseline.
    pub value: Option<f64>,
    pub goal: &'static str,
    pub pass: bool,
    /// Why the goal cannot be met here, shown by other figures of the same run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out_of_reach: Option<String>,
}

impl Row {
    pub fn ratio(
        id: &'static str,
        figure: &str,
        baseline: String,
        ours: String,
        ratio: f64,
        goal: &'static str,
        pass: bool,
    ) -> Self {
        Self {
            id,
            figure: figure.to_owned(),
            baseline,
            ours,
            value: Some(ratio),
            goal,
            pass,
            out_of_reach: None,
        }
    }

    /// A figure without a baseline: `value` is the figure itself, and the table's ratio reads —.
    pub fn absolute(
        id: &'static str,
        figure: &str,
        ours: String,
        value: f64,
        goal: &'static str,
        pass: bool,
    ) -> Self {
        Self::ratio(id, figure, "—".to_owned(), ours, value, goal, pass)
    }
}

impl Row {
    /// The same figure measured on PostgreSQL instead of SQLite.
    pub fn on_postgres(self, note: &str) -> Self {
        Self { figure: format!("PostgreSQL{note}: {}", self.figure), ..self }
    }

    /// A missed goal that other figures of the same run show cannot be met on this machine:
    /// the verdict says so and why. The row still counts as a miss.
    pub fn out_of_reach(self, why: String) -> Self {
        Self { out_of_reach: Some(why), ..self }
    }
}

pub fn write(rows: &[Row], out: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(out)?;
    let mut md =
        String::from("| figure | baseline | ours | ratio | goal | |\n|---|---|---|---|---|---|\n");
    for row in rows {
        let ratio = match (row.baseline.as_str(), row.value) {
            ("—", _) | (_, None) => "—".to_owned(),
            (_, Some(ratio)) => format!("{ratio:.2}×"),
        };
        let verdict = match (row.pass, &row.out_of_reach) {
            (true, _) => "pass".to_owned(),
            (false, Some(why)) => format!("**miss**; out of reach here: {why}"),
            (false, None) => "**miss**".to_owned(),
        };
        md.push_str(&format!(
            "| {} | {} | {} | {ratio} | {} | {verdict} |\n",
            row.figure, row.baseline, row.ours, row.goal
        ));
    }
    md.push_str(&format!("\nMeasured on {}.\n", machine()));
    fs::write(out.join("report.md"), &md)?;
    fs::write(out.join("report.json"), serde_json::to_string_pretty(rows)?)?;
    println!("\n{md}\nwritten to {}", out.join("report.md").display());
    Ok(())
}

/// Cores and CPU model, so a table can be read against the machine that made it.
fn machine() -> String {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|v| v.split_once(':')))
        .map_or("an unknown CPU", |(_, v)| v.trim());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cores} cores of {model}, loopback, Chromium from Debian")
}
