//! Shared helpers of the component tests: mount a view, wait for the browser, read the DOM.
#![allow(dead_code)]

use leptos::{prelude::*, task::tick};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlElement;

/// The demo person as `GET /me` answers, for tests that fake a signed-in session.
pub const ME: &str = r#"{"account_id":"1876543210","name":"Mei Lin","email_masked":"d***@example.com","phone_masked":null,"region":"US","member_since":"2019-03-14T09:30:00Z","language":"en","state":"active"}"#;

/// Mounts `view` (with the app's contexts) in a fresh container appended to `<body>`.
pub fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> HtmlElement {
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        farewell::app::provide_app_context();
        view()
    });
    handle.forget();
    container
}

/// Lets timers, fetches and effects run.
pub async fn settle() {
    for _ in 0..5 {
        let wait = js_sys::Promise::new(&mut |resolve, _| {
            window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20).unwrap();
        });
        JsFuture::from(wait).await.unwrap();
        tick().await;
    }
}

pub fn find(container: &HtmlElement, selector: &str) -> HtmlElement {
    container
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
        .unchecked_into()
}

pub fn text(container: &HtmlElement) -> String {
    container.text_content().unwrap_or_default()
}
