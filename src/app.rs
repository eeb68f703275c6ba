//! The app: contexts (language, session, connectivity), layout and routes.

use farewell_api::Confirmation;
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    components::{Redirect, Route, Router, Routes},
    hooks::{use_location, use_navigate, use_query_map},
    path,
};

use crate::{
    api_client,
    auth::Auth,
    components::{
        RequireSignIn,
        layout::{Layout, SESSION_PARTS},
        online::Online,
    },
    i18n::I18n,
    pages::{
        cancel_link::CancelLink,
        close_account::{CloseAccount, Done},
        data::PrivacyData,
        devices::Devices,
        not_found::NotFound,
        pending::Pending,
        personal_info::PersonalInfo,
        sign_in::SignIn,
        sign_out::SignOut,
    },
    routes::Page,
};

#[component]
pub fn App() -> impl IntoView {
    provide_app_context();

    view! {
        <Router>
            <RoutedLayout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=|| view! { <Redirect path=Page::PersonalInfo.path() /> } />
                    <Route path=path!("/signin") view=RoutedSignIn />
                    <Route path=path!("/account") view=|| view! { <RequireSignIn><PersonalInfo /></RequireSignIn> } />
                    <Route path=path!("/account/devices") view=|| view! { <RequireSignIn><Devices /></RequireSignIn> } />
                    <Route path=path!("/account/data") view=|| view! { <RequireSignIn><PrivacyData /></RequireSignIn> } />
                    <Route path=path!("/account/close") view=|| view! { <RequireSignIn><CloseAccount /></RequireSignIn> } />
                    <Route path=path!("/account/close/done") view=Done />
                    <Route path=path!("/account/pending") view=|| view! { <RequireSignIn><Pending /></RequireSignIn> } />
                    <Route path=path!("/cancel/:token") view=CancelLink />
                    <Route path=path!("/signout") view=|| view! { <RequireSignIn><SignOut /></RequireSignIn> } />
                </Routes>
            </RoutedLayout>
        </Router>
    }
}

/// The frame, told where the person is by the router.
#[component]
fn RoutedLayout(children: Children) -> impl IntoView {
    let pathname = use_location().pathname;
    view! { <Layout pathname=pathname session_parts=SESSION_PARTS>{children()}</Layout> }
}

/// Sign-in inside the whole app: its query and the way onward go through the router.
#[component]
fn RoutedSignIn() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let signed_out_notice =
        query.with_untracked(|q| q.get(farewell_api::SIGNED_OUT_PARAM).is_some());
    view! {
        <SignIn
            next=Signal::derive(move || query.with(|q| q.get("next")))
            signed_out_notice=signed_out_notice
            go=Callback::new(move |path: String| navigate(&path, Default::default()))
        />
    }
}

/// The contexts every page reads: language, session, connectivity. Component tests call this
/// to mount a single page.
pub fn provide_app_context() {
    let i18n = I18n::new();
    let auth = Auth::new();
    provide_context(i18n);
    provide_context(auth);
    provide_context(Online::new());
    provide_context(LastConfirmation(RwSignal::new(None)));
    // The account's emails follow the language the person reads the app in.
    Effect::new(move || {
        let lang = i18n.lang();
        if auth.me().is_some_and(|me| me.language != lang.tag()) {
            spawn_local(async move {
                if let Ok(me) = api_client::set_language(lang.tag()).await {
                    auth.signed_in(me);
                }
            });
        }
    });
}

/// The answer of the last close-account confirmation in this tab: the done page shows it,
/// since no session survives the request.
#[derive(Clone, Copy)]
pub struct LastConfirmation(RwSignal<Option<Confirmation>>);

impl LastConfirmation {
    pub fn get(&self) -> Option<Confirmation> {
        self.0.get()
    }

    pub fn set(&self, confirmation: Option<Confirmation>) {
        self.0.set(confirmation);
    }
}

pub fn use_last_confirmation() -> LastConfirmation {
    expect_context::<LastConfirmation>()
}
