//! The sign-in page's own small app. A first visit to `/signin` loads only this: the same
//! contexts, frame and sign-in form as the whole app, without the router or the code of any
//! other page. Wherever the person goes from here, the browser loads the whole app there.

use leptos::prelude::*;

use crate::{app::provide_app_context, components::layout::Layout, pages::sign_in::SignIn};

#[component]
pub fn SignInApp() -> impl IntoView {
    provide_app_context();
    let location = window().location();
    let query = web_sys::UrlSearchParams::new_with_str(&location.search().unwrap_or_default()).ok();
    let param = |name: &str| query.as_ref().and_then(|q| q.get(name));
    let signed_out_notice = param("signed_out").is_some();
    let next = param("next");

    view! {
        <Layout pathname=location.pathname().unwrap_or_default()>
            <SignIn
                next=Signal::stored(next)
                signed_out_notice=signed_out_notice
                go=Callback::new(|path: String| {
                    let _ = window().location().assign(&path);
                })
            />
        </Layout>
    }
}
