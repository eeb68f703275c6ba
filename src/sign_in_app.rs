//! The sign-in page's own small app. A first visit to `/signin` loads only this: the same
//! contexts, frame and sign-in form as the whole app, without the router or the code of any
//! other page. Wherever the person goes from here, the browser loads the whole app there.

use farewell_api::SignInFailure;
use leptos::prelude::*;

use crate::{
    app::provide_app_context,
    components::layout::Layout,
    pages::sign_in::{SignIn, returned_failure},
    prerendered::Typed,
};

#[component]
pub fn SignInApp(
    /// What was typed into the pre-rendered page before this app took its place.
    typed: Typed,
) -> impl IntoView {
    provide_app_context();
    let location = window().location();
    let query = web_sys::UrlSearchParams::new_with_str(&location.search().unwrap_or_default()).ok();
    let param = |name: &str| query.as_ref().and_then(|q| q.get(name));
    let signed_out_notice = param(farewell_api::SIGNED_OUT_PARAM).is_some();
    let next = param("next");
    let returned =
        param(SignInFailure::PARAM).and_then(|error| SignInFailure::parse(&error)).map(|failure| {
            returned_failure(failure, param(SignInFailure::RETRY_AFTER_PARAM).as_deref())
        });
    if returned.is_some() {
        // Said once: a reload or a bookmark does not repeat an old failure.
        forget_failure(&location, query.as_ref());
    }

    view! {
        <Layout pathname=location.pathname().unwrap_or_default()>
            <SignIn
                next=Signal::stored(next)
                signed_out_notice=signed_out_notice
                go=Callback::new(|path: String| {
                    let _ = window().location().assign(&path);
                })
                returned=returned
                typed=typed
            />
        </Layout>
    }
}

/// Takes the failure out of the address, keeping the rest.
fn forget_failure(location: &web_sys::Location, query: Option<&web_sys::UrlSearchParams>) {
    let Some(query) = query else { return };
    query.delete(SignInFailure::PARAM);
    query.delete(SignInFailure::RETRY_AFTER_PARAM);
    let query = String::from(query.to_string());
    let path = location.pathname().unwrap_or_default();
    let url = if query.is_empty() { path } else { format!("{path}?{query}") };
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
