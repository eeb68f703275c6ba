//! Whether the browser is online, kept live from the `online`/`offline` events.

use leptos::{ev, prelude::*};

#[derive(Debug, Clone, Copy)]
pub struct Online(pub ReadSignal<bool>);

impl Online {
    pub fn new() -> Self {
        let (online, set_online) = signal(window().navigator().on_line());
        // The listeners live as long as the app: the handles are deliberately never removed.
        std::mem::forget(window_event_listener(ev::online, move |_| set_online.set(true)));
        std::mem::forget(window_event_listener(ev::offline, move |_| set_online.set(false)));
        Self(online)
    }

    pub fn get(&self) -> bool {
        self.0.get()
    }
}

impl Default for Online {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_online() -> Online {
    expect_context::<Online>()
}
