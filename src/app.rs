//! The app: contexts (language, session, connectivity), layout and routes.

use leptos::prelude::*;
use leptos_router::{
    components::{Redirect, Route, Router, Routes},
    path,
};

use crate::{
    auth::Auth,
    components::{RequireSignIn, layout::Layout, online::Online},
    i18n::I18n,
    pages::{
        close_account::CloseAccount, devices::Devices, not_found::NotFound,
        personal_info::PersonalInfo, sign_in::SignIn, sign_out::SignOut,
    },
    routes::Page,
};

#[component]
pub fn App() -> impl IntoView {
    provide_app_context();

    view! {
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=|| view! { <Redirect path=Page::PersonalInfo.path() /> } />
                    <Route path=path!("/signin") view=SignIn />
                    <Route path=path!("/account") view=|| view! { <RequireSignIn><PersonalInfo /></RequireSignIn> } />
                    <Route path=path!("/account/devices") view=|| view! { <RequireSignIn><Devices /></RequireSignIn> } />
                    <Route path=path!("/account/close") view=|| view! { <RequireSignIn><CloseAccount /></RequireSignIn> } />
                    <Route path=path!("/signout") view=|| view! { <RequireSignIn><SignOut /></RequireSignIn> } />
                </Routes>
            </Layout>
        </Router>
    }
}

/// The contexts every page reads: language, session, connectivity. Component tests call this
/// to mount a single page.
pub fn provide_app_context() {
    provide_context(I18n::new());
    provide_context(Auth::new());
    provide_context(Online::new());
}
