//! The grace period as a numbered timeline: when the person asked to leave, each reminder
//! email (told as sent once its time has passed, the last one named so), and the purge.

use farewell_api::DeletionState;
use leptos::prelude::*;

use crate::{
    format,
    i18n::{Text, fill, tr, use_i18n},
};

/// `now_ms` is the moment the reminders are told against, in milliseconds since 1970.
#[component]
pub fn GraceTimeline(state: DeletionState, now_ms: f64) -> impl IntoView {
    let i18n = use_i18n();
    let date =
        move |at: Option<&str>| at.map(|at| format::long_date(i18n.lang(), at)).unwrap_or_default();
    let count = state.reminders.len();
    let reminders = state
        .reminders
        .into_iter()
        .enumerate()
        .map(|(i, at)| {
            let template = reminder_text(count > 1 && i == count - 1, sent(&at, now_ms));
            view! { <li>{move || fill(template(i18n.t()), &[("date", &date(Some(&at)))])}</li> }
        })
        .collect_view();
    let requested = state.requested_at;
    let purge = state.scheduled_for;
    view! {
        <ol class="timeline">
            <li>{move || fill(i18n.t().pending_requested(), &[("date", &date(requested.as_deref()))])}</li>
            {reminders}
            <li>
                {move || fill(i18n.t().pending_purge(), &[("date", &date(purge.as_deref()))])}
                " "
                {tr(|t| t.pending_processing())}
            </li>
        </ol>
    }
}

/// Whether the reminder due at `rfc3339` has gone out by `now_ms`: the worker sends each one
/// within seconds of its time. A time the browser cannot read is told as still to come.
fn sent(rfc3339: &str, now_ms: f64) -> bool {
    js_sys::Date::new(&rfc3339.into()).get_time() <= now_ms
}

/// The words for one reminder: the last of several is named so, and one whose time has
/// passed is told as sent.
fn reminder_text(last: bool, sent: bool) -> Text {
    match (last, sent) {
        (false, false) => |t| t.pending_reminder(),
        (false, true) => |t| t.pending_reminder_sent(),
        (true, false) => |t| t.pending_last_reminder(),
        (true, true) => |t| t.pending_last_reminder_sent(),
    }
}
