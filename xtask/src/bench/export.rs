//! The data export at scale: the server's own `export` bench (a release server builds the
//! archive of a 5,000-photo account) prints one JSON line; this turns it into rows.

use serde::Deserialize;

use super::{Goal, Row, server_bench};

#[derive(Debug, Deserialize)]
struct Measured {
    photos: u32,
    pictures_mb: f64,
    peak_rss_growth_mib: f64,
    build_mb_per_s: f64,
    download_mb_per_s: f64,
}

pub fn export() -> anyhow::Result<Vec<Row>> {
    let m: Measured = server_bench("export", &[], &[])?;
    let what = format!("export of {} photos ({:.0} MB)", m.photos, m.pictures_mb);
    Ok(vec![
        Row::absolute(
            "export_rss",
            &format!("{what}: server's peak memory growth"),
            format!("{:.1} MiB", m.peak_rss_growth_mib),
            m.peak_rss_growth_mib,
            Goal::AtMost(64.0, " MiB"),
        ),
        Row::absolute(
            "export_speed",
            &format!("{what}: archive built, then downloaded"),
            format!("{:.0} MB/s, {:.0} MB/s", m.build_mb_per_s, m.download_mb_per_s),
            m.build_mb_per_s,
            Goal::Reported,
        ),
    ])
}
