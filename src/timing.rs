//! SPEC §5's step transition, measured by the app itself: from what caused a new page or step
//! (the API's answer, or the person's click or key when no request was needed) to that page
//! painted, at most 25 ms p95. Each one is a `farewell:transition` User Timing measure: the
//! bench (`cargo xtask bench`) reads them while it walks the wizard, and they show in any
//! browser's performance panel. They cost microseconds, so production builds keep them.

use std::{cell::Cell, time::Duration};

use leptos::prelude::{request_animation_frame, set_timeout};
use wasm_bindgen::{JsCast, closure::Closure};

const TRANSITION: &str = "farewell:transition";

thread_local! {
    /// `performance.now()` of the latest answer from the API, of the latest click or key
    /// press, and of the latest page that appeared.
    static ANSWERED_AT: Cell<f64> = const { Cell::new(f64::NAN) };
    static INPUT_AT: Cell<f64> = const { Cell::new(f64::NAN) };
    static SHOWN_AT: Cell<f64> = const { Cell::new(f64::NAN) };
}

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

fn now() -> f64 {
    performance().map_or(f64::NAN, |p| p.now())
}

/// An answer from the server is in, body and all.
pub fn answered() {
    ANSWERED_AT.with(|at| at.set(now()));
}

/// Notes every click and key press, before the app's own handlers run (capture phase).
pub fn watch_input() {
    let Some(window) = web_sys::window() else { return };
    let noted = Closure::<dyn Fn()>::new(|| INPUT_AT.with(|at| at.set(now())));
    for event in ["click", "keydown"] {
        let _ = window.add_event_listener_with_callback_and_bool(
            event,
            noted.as_ref().unchecked_ref(),
            true,
        );
    }
    // Listens for the page's whole life.
    noted.forget();
}

/// Called as a new page or step appears: once it has been painted, measures from its cause,
/// the later of the latest answer and the latest input, if that came after the previous page
/// appeared (a page nothing led to, such as the first, measures nothing). Requests the new
/// page makes itself are answered after it appeared, and do not count.
pub fn measure_transition_when_painted() {
    let cause = ANSWERED_AT.with(Cell::get).max(INPUT_AT.with(Cell::get));
    let previous = SHOWN_AT.with(|at| at.replace(now()));
    if cause.is_nan() || cause <= previous {
        return;
    }
    // A frame callback runs just before the paint; a task it queues runs after it.
    request_animation_frame(move || {
        set_timeout(move || measure(TRANSITION, cause), Duration::ZERO);
    });
}

/// `performance.measure(name, { start, end: now })` (User Timing Level 3, which web-sys only
/// offers behind its unstable flag).
fn measure(name: &str, start: f64) {
    let Some(performance) = performance() else { return };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &performance.now().into());
    let measure = js_sys::Reflect::get(&performance, &"measure".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(measure) = measure {
        let _ = measure.call2(&performance, &name.into(), &options);
    }
}
