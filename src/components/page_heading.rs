//! The page's `<h1>`: it takes focus when the page appears (so screen readers announce the
//! new page) and names the document title.

use leptos::{html::H1, prelude::*};

use crate::{i18n::use_i18n, prerendered, timing};

#[component]
pub fn PageHeading(
    #[prop(into)] text: Signal<String>,
    /// True while the page shows an error summary: the title then starts with "Error: ".
    #[prop(into, optional)]
    error: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<H1>::new();
    Effect::new(move || {
        if let Some(h1) = heading.get() {
            // Not away from where the person already was on the pre-rendered sign-in page.
            if !prerendered::focus_was_kept() {
                let _ = h1.focus();
            }
            timing::measure_transition_when_painted();
        }
    });
    Effect::new(move || {
        let t = i18n.t();
        let prefix = if error.get() { t.title_error_prefix() } else { "" };
        document().set_title(&format!("{prefix}{} – {}", text.get(), t.brand()));
    });
    view! { <h1 tabindex="-1" node_ref=heading>{text}</h1> }
}
