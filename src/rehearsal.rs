//! Chromium compiles each wasm function the first time it runs, on the main thread, while the
//! person waits: the first checklist spent ~15 ms of its step transition compiling (SPEC §5
//! allows 25 ms p95 for the whole transition). So while the person reads a step, the app
//! builds the view it leads to once, in an idle moment, and throws it away: by the time the
//! person moves on, that code is compiled.
//!
//! A rehearsal has no side effects. Its view is never attached to the page, and the owner it
//! is built under is disposed before any effect's first run (effects run on a later tick), so
//! nothing is focused, timed, titled or asked of the server. The views handed to it must not
//! fetch while they are built either: give them, as props, what they would otherwise ask for.

use std::cell::Cell;

use leptos::{prelude::*, tachys::view::Render};

/// Builds `view` once when the browser is next idle, under the current owner's contexts,
/// unless that owner is gone by then.
pub fn when_idle<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) {
    let Some(parent) = Owner::current().map(|owner| owner.downgrade()) else { return };
    let view = Cell::new(Some(view));
    let rehearse = move || {
        let (Some(view), Some(parent)) = (view.take(), parent.upgrade()) else { return };
        parent.with(|| {
            let rehearsal = Owner::new();
            rehearsal.with(|| drop(view().into_view().build()));
            // Drops everything the view made, effects included, before their first run.
            rehearsal.cleanup();
        });
    };
    if let Ok(handle) = request_idle_callback_with_handle(rehearse) {
        on_cleanup(move || handle.cancel());
    }
}
