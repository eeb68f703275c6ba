//! The benchmark table: Markdown for people (and the README), JSON for tools.

use std::{fmt, fs, path::Path};

use serde::{Serialize, Serializer};

/// What a figure has to reach, with the unit it is written in; or nothing, when it is there
/// to be read beside the others. Rows judge themselves by it, so a goal's words in the table
/// and the check it stands for cannot drift apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    AtMost(f64, &'static str),
    AtLeast(f64, &'static str),
    Reported,
}

impl Goal {
    pub fn met(self, value: f64) -> bool {
        match self {
            Self::AtMost(limit, _) => value <= limit,
            Self::AtLeast(floor, _) => value >= floor,
            Self::Reported => true,
        }
    }
}

impl fmt::Display for Goal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            // Nothing at all, as in "CLS 0".
            Self::AtMost(0.0, unit) => write!(f, "0{unit}"),
            Self::AtMost(limit, unit) => write!(f, "≤ {}{unit}", Number(limit)),
            Self::AtLeast(floor, unit) => write!(f, "≥ {}{unit}", Number(floor)),
            Self::Reported => f.write_str("reported"),
        }
    }
}

impl Serialize for Goal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A goal's number as people write it: `0.35`, `2`, `1,000`.
struct Number(f64);

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self(n) = *self;
        if n < 1_000.0 || n.fract() != 0.0 {
            return write!(f, "{n}");
        }
        let digits = format!("{n:.0}");
        let head = digits.len() % 3;
        let groups = (head..digits.len()).step_by(3).map(|at| &digits[at..at + 3]);
        let parts: Vec<&str> =
            (head > 0).then(|| &digits[..head]).into_iter().chain(groups).collect();
        f.write_str(&parts.join(","))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: &'static str,
    pub figure: String,
    pub baseline: String,
    pub ours: String,
    /// The ratio to the baseline, or the absolute figure where there is no baseline.
    pub value: f64,
    pub goal: Goal,
    /// Whether `value` meets `goal`.
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
        goal: Goal,
    ) -> Self {
        Self {
            id,
            figure: figure.to_owned(),
            baseline,
            ours,
            value: ratio,
            goal,
            pass: goal.met(ratio),
            out_of_reach: None,
        }
    }

    /// A figure without a baseline: `value` is the figure itself, and the table's ratio reads —.
    pub fn absolute(id: &'static str, figure: &str, ours: String, value: f64, goal: Goal) -> Self {
        Self::ratio(id, figure, "—".to_owned(), ours, value, goal)
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
        let ratio = match row.baseline.as_str() {
            "—" => "—".to_owned(),
            _ => format!("{:.2}×", row.value),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_goal_judges_the_figure_it_names() {
        let at_most = Goal::AtMost(2.0, "×");
        assert!(at_most.met(2.0) && at_most.met(0.5) && !at_most.met(2.01));
        let at_least = Goal::AtLeast(1_000.0, "");
        assert!(at_least.met(1_000.0) && !at_least.met(999.9));
        assert!(Goal::Reported.met(f64::MAX));

        assert_eq!(at_most.to_string(), "≤ 2×");
        assert_eq!(Goal::AtLeast(0.35, "×").to_string(), "≥ 0.35×");
        assert_eq!(at_least.to_string(), "≥ 1,000");
        assert_eq!(Goal::AtMost(140.0, " KB").to_string(), "≤ 140 KB");
        assert_eq!(Goal::AtLeast(1_234_567.0, " B").to_string(), "≥ 1,234,567 B");
        assert_eq!(Goal::AtMost(0.0, "").to_string(), "0");
        assert_eq!(Goal::Reported.to_string(), "reported");

        let row = Row::absolute("purge_rate", "purge", "980 accounts/s".into(), 980.0, at_least);
        assert!(!row.pass, "the row judges itself by its goal");
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["goal"], "≥ 1,000");
        assert_eq!(json["pass"], false);
    }
}
