//! User Timing marks for SPEC §5's step transition: from the API's answer to the next page or
//! step painted, at most 25 ms p95. `cargo xtask bench` reads the `farewell:transition`
//! measures while it walks the wizard; they also show in any browser's performance panel,
//! and cost microseconds, so production builds keep them.

use std::time::Duration;

use leptos::prelude::{request_animation_frame, set_timeout};
use wasm_bindgen::JsCast;

/// The server answered a request.
pub const ANSWERED: &str = "farewell:answered";
/// From the latest answer to the painting of the page it led to.
const TRANSITION: &str = "farewell:transition";

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

pub fn mark(name: &str) {
    if let Some(performance) = performance() {
        let _ = performance.mark(name);
    }
}

/// Called as a new page or step appears: once it has been painted, measures from the latest
/// answer before it appeared (answers to requests the new page itself makes come later and
/// do not count). A page no answer led to (none since the last one) measures nothing.
pub fn measure_transition_when_painted() {
    let Some(performance) = performance() else { return };
    let answers = performance.get_entries_by_name(ANSWERED);
    let Some(answered_at) =
        answers.at(-1).dyn_into::<web_sys::PerformanceEntry>().ok().map(|entry| entry.start_time())
    else {
        return;
    };
    performance.clear_marks_with_mark_name(ANSWERED);
    // A frame callback runs just before the paint; a task it queues runs after it.
    request_animation_frame(move || {
        set_timeout(move || measure(&performance, TRANSITION, answered_at), Duration::ZERO);
    });
}

/// `performance.measure(name, { start, end: now })` (User Timing Level 3, which web-sys only
/// offers behind its unstable flag).
fn measure(performance: &web_sys::Performance, name: &str, start: f64) {
    let options = js_sys::Object::new();
    let end = performance.now();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &end.into());
    let measure = js_sys::Reflect::get(performance, &"measure".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(measure) = measure {
        let _ = measure.call2(performance, &name.into(), &options);
    }
}
