//! Seconds left until something becomes possible, counted down in the browser from the
//! server's figure, re-based whenever the server says anew.

use leptos::prelude::*;

/// A signal of the seconds left: `seconds` from the server minus the time since it said so.
pub fn countdown(seconds: Signal<u64>) -> Signal<u64> {
    let started = Memo::new(move |_| (seconds.get(), js_sys::Date::now()));
    let (now, set_now) = signal(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(js_sys::Date::now()),
        std::time::Duration::from_millis(500),
    ) {
        on_cleanup(move || handle.clear());
    }
    Signal::derive(move || {
        let (total, at) = started.get();
        let elapsed = ((now.get() - at) / 1000.0).max(0.0) as u64;
        total.saturating_sub(elapsed)
    })
}
