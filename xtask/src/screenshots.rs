//! `cargo xtask screenshots`: PNGs of every screen (both languages, light and dark, 320 and
//! 1280 px) in `target/screenshots/`, taken in Chromium from a fresh server with demo data.

use crate::{e2e, root};

pub fn screenshots() -> anyhow::Result<()> {
    let out = root().join("target/screenshots");
    e2e::write_with_browser("taking screenshots", "screenshots.js", &out)
}
