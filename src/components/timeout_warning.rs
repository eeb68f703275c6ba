//! The timeout warning (GOV.UK pattern): before an idle session ends, a dialog offers "Stay
//! signed in", with the time left announced each minute. The wizard keeps its progress on the
//! server, so even a timeout loses nothing; this spares the person the surprise.

use std::time::Duration;

use leptos::{html::Button, prelude::*, task::spawn_local};

use crate::{
    api_client,
    auth::use_auth,
    i18n::{fill, tr, use_i18n},
};

/// The server's idle timeout (30 minutes).
pub const IDLE_LIMIT: Duration = Duration::from_secs(30 * 60);
/// How long before it the warning appears.
pub const WARN_BEFORE: Duration = Duration::from_secs(5 * 60);

#[component]
pub fn TimeoutWarning(
    #[prop(default = IDLE_LIMIT)] idle_limit: Duration,
    #[prop(default = WARN_BEFORE)] warn_before: Duration,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let (now, set_now) = signal(js_sys::Date::now());
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(js_sys::Date::now()),
        Duration::from_millis(250),
    ) {
        on_cleanup(move || handle.clear());
    }
    // Seconds until the session ends if nothing happens.
    let left = Memo::new(move |_| {
        let idle = (now.get() - api_client::last_answer_at()) / 1000.0;
        (idle_limit.as_secs_f64() - idle).max(0.0).ceil() as u64
    });
    let open = Memo::new(move |_| auth.me().is_some() && left.get() <= warn_before.as_secs());
    let minutes = Memo::new(move |_| left.get().div_ceil(60));
    let stay = NodeRef::<Button>::new();
    Effect::new(move || {
        if open.get()
            && let Some(button) = stay.get()
        {
            let _ = button.focus();
        }
    });
    Effect::new(move || {
        if auth.me().is_some() && left.get() == 0 {
            auth.signed_out();
        }
    });
    let stay_signed_in = move |_| {
        spawn_local(async move {
            match api_client::me().await {
                Ok(me) => auth.signed_in(me),
                Err(_) => auth.signed_out(),
            }
            // The answer reset the idle clock: close the dialog now, not at the next tick.
            set_now.set(js_sys::Date::now());
        });
    };
    view! {
        <div class="dialog-backdrop" hidden=move || !open.get()>
            <div
                class="dialog"
                role="alertdialog"
                aria-modal="true"
                aria-labelledby="timeout-title"
                aria-describedby="timeout-body"
            >
                <h2 id="timeout-title">{tr(|t| t.timeout_title())}</h2>
                // Announced once a minute: the text changes only when the minute does.
                <p id="timeout-body" aria-live="polite">
                    {move || fill(i18n.t().timeout_body(), &[("minutes", &minutes.get().to_string())])}
                </p>
                <button type="button" class="button primary" node_ref=stay on:click=stay_signed_in>
                    {tr(|t| t.timeout_stay())}
                </button>
            </div>
        </div>
    }
}
