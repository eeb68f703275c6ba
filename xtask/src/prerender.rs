//! `cargo xtask prerender`: writes `prerendered/signin.<lang>[.<state>].html`, the sign-in
//! screen as the app draws it in each language and state (`SIGN_IN_STATES` in
//! `e2e/helpers.js`), taken from the running app in Chromium. The build puts each into a
//! sign-in page; an end-to-end test fails when the app no longer draws them so.

use crate::{app, e2e, root};

pub fn prerender() -> anyhow::Result<()> {
    let out = root().join("prerendered");
    e2e::write_with_browser("pre-rendering the sign-in screen", "prerender.js", &out)?;
    // The pages carry the old screen until they are built again.
    app::build()
}
