//! The session as this browser knows it, in a real browser: re-checking it, and the timeout
//! warning with a short idle limit. The API is replaced at the HTTP boundary (`window.fetch`)
//! — only in these component tests.
#![cfg(target_arch = "wasm32")]

mod common;

use std::time::Duration;

use common::{ME, find, mount, settle, text};
use farewell::{
    auth::{AuthState, use_auth},
    components::timeout_warning::TimeoutWarning,
};
use leptos::prelude::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Signed in as ME: `GET /session` says so (`{"me": …}`), `GET /me` answers it.
fn fake_me() {
    fake_session(ME);
}

/// `GET /session` answers `{"me": me}` (`null`: nobody is signed in), `GET /me` answers `me`.
fn fake_session(me: &str) {
    js_sys::Function::new_with_args(
        "me",
        "window.fetch = async (input) => new Response(
            (input.url ?? String(input)).endsWith('/api/v1/session') ? `{\"me\":${me}}` : me,
            { status: 200, headers: { 'content-type': 'application/json' } });",
    )
    .call1(&JsValue::NULL, &me.into())
    .unwrap();
}

async fn sleep(ms: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(wait).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_warning_appears_before_the_timeout_and_staying_signed_in_dismisses_it() {
    fake_me();
    let auth_slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let slot = auth_slot.clone();
    let container = mount(move || {
        slot.set(Some(use_auth()));
        view! { <TimeoutWarning idle_limit=Duration::from_secs(4) warn_before=Duration::from_secs(2) /> }
    });
    settle().await;
    let auth = auth_slot.get().unwrap();
    assert!(matches!(auth.state.get_untracked(), AuthState::SignedIn(_)));
    let backdrop = find(&container, ".dialog-backdrop");
    assert!(backdrop.has_attribute("hidden"), "no warning while there is time");

    sleep(2_500).await;
    settle().await;
    assert!(!backdrop.has_attribute("hidden"), "the warning shows");
    assert!(text(&container).contains("Time left: 1 min."), "{}", text(&container));
    let button = find(&container, ".dialog button");
    let focused = document().active_element().unwrap();
    assert_eq!(&focused, &*button, "focus on Stay signed in");

    button.click();
    settle().await;
    assert!(backdrop.has_attribute("hidden"), "staying signed in dismisses it");

    sleep(4_500).await;
    settle().await;
    assert_eq!(auth.state.get_untracked(), AuthState::SignedOut, "the session ended");
    container.remove();
}

#[wasm_bindgen_test]
async fn asking_again_and_hearing_the_same_answer_wakes_nothing() {
    fake_me();
    let auth_slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let runs = RwSignal::new(0);
    let slot = auth_slot.clone();
    let container = mount(move || {
        let auth = use_auth();
        slot.set(Some(auth));
        // Stands for everything on screen that shows who is signed in.
        Effect::new(move || {
            auth.state.track();
            runs.update_untracked(|n| *n += 1);
        });
    });
    settle().await;
    let auth = auth_slot.get().unwrap();
    assert!(matches!(auth.state.get_untracked(), AuthState::SignedIn(_)));
    let woken = runs.get_untracked();

    auth.refresh();
    settle().await;
    assert_eq!(runs.get_untracked(), woken, "the same person, signed in as before");

    // A different answer still gets through.
    fake_session("null");
    auth.refresh();
    settle().await;
    assert_eq!(auth.state.get_untracked(), AuthState::SignedOut);
    assert_eq!(runs.get_untracked(), woken + 1);
    container.remove();
}
