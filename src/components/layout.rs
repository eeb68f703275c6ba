//! The frame around every page: skip link, top bar (brand, language, sign out), the offline
//! banner, the account navigation once signed in, and `<main>`.

use leptos::{ev, html::Ul, prelude::*};
use wasm_bindgen::JsCast;

use crate::{
    auth::{AuthState, use_auth},
    components::{online::use_online, timeout_warning::TimeoutWarning},
    i18n::{Lang, tr, use_i18n},
    routes::Page,
};

/// What the frame shows only around a session: the account navigation and the timeout
/// warning. The whole app passes [`SESSION_PARTS`]; the sign-in page's small app passes none,
/// so their code stays out of a first visit's download (that app hands over to the whole app
/// as soon as there is a session).
#[derive(Clone, Copy)]
pub struct SessionParts {
    nav: fn(Signal<String>) -> AnyView,
    timeout_warning: fn() -> AnyView,
}

pub const SESSION_PARTS: SessionParts = SessionParts {
    nav: |pathname| view! { <AccountNav pathname=pathname /> }.into_any(),
    timeout_warning: || view! { <TimeoutWarning /> }.into_any(),
};

/// The frame. It is told the current path rather than asking the router, because the sign-in
/// page's own small app has none; its links are plain ones, which the whole app's router
/// takes over.
#[component]
pub fn Layout(
    #[prop(into)] pathname: Signal<String>,
    /// The parts shown around a session, if this app has them.
    #[prop(optional)]
    session_parts: Option<SessionParts>,
    children: Children,
) -> impl IntoView {
    let auth = use_auth();
    // While the session is being checked, an account page keeps the place of what a signed-in
    // person sees (nearly everyone who opens one is), so the page does not jump once it is
    // known.
    let expecting_account = move || {
        pathname.with(|path| {
            path.starts_with(Page::PersonalInfo.path()) && path != Page::Pending.path()
        })
    };
    let signed_in = Memo::new(move |_| match auth.state.get() {
        AuthState::SignedIn(_) => true,
        AuthState::Checking => expecting_account(),
        AuthState::SignedOut => false,
    });
    let session = Memo::new(move |_| matches!(auth.state.get(), AuthState::SignedIn(_)));
    // During the grace period only the pending page is open to the person; links to the
    // other account pages would only bounce back to it.
    let with_nav = Memo::new(move |_| {
        session_parts.is_some()
            && signed_in.get()
            && auth.me().is_none_or(|me| me.state == farewell_api::AccountState::Active)
    });
    let skip_to_main = |event: ev::MouseEvent| {
        event.prevent_default();
        if let Some(main) = document()
            .get_element_by_id("main")
            .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = main.focus();
        }
    };
    view! {
        <a class="skip-link" href="#main" on:click=skip_to_main>
            {tr(|t| t.skip_to_content())}
        </a>
        <header class="topbar">
            <a class="brand" href=Page::PersonalInfo.path()>
                <Logo />
                <span>{tr(|t| t.brand())}</span>
            </a>
            <div class="topbar-actions">
                <LanguageSwitch />
                <Show when=move || signed_in.get()>
                    <a
                        href=Page::SignOut.path()
                        class="topbar-link"
                        aria-current=move || current(pathname, Page::SignOut)
                    >
                        {tr(|t| t.sign_out())}
                    </a>
                </Show>
            </div>
        </header>
        <OfflineBanner />
        <div class="shell" class:with-nav=move || with_nav.get()>
            <Show when=move || with_nav.get()>
                {session_parts.map(|parts| (parts.nav)(pathname))}
            </Show>
            <main id="main" tabindex="-1">
                {children()}
            </main>
        </div>
        // Only a session can time out: signed out, no clock ticks four times a second.
        <Show when=move || session.get()>
            {session_parts.map(|parts| (parts.timeout_warning)())}
        </Show>
        <footer class="footer">
            <p>{tr(|t| t.footer_note())}</p>
        </footer>
    }
}

#[component]
fn Logo() -> impl IntoView {
    view! {
        <svg class="logo" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="9" fill="var(--brand)"></rect>
            <path d="M10 22V10h12M10 16h9" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round"></path>
        </svg>
    }
}

/// English / 简体中文, each named in its own language so anyone can find theirs.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="language-switch" role="group" aria-label=move || i18n.t().language()>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    view! {
                        <button
                            type="button"
                            lang=lang.tag()
                            aria-pressed=move || (i18n.lang() == lang).to_string()
                            on:click=move |_| i18n.set(lang)
                        >
                            {lang.native_name()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn OfflineBanner() -> impl IntoView {
    let online = use_online();
    view! {
        <div class="offline-banner" role="status" hidden=move || online.get()>
            <strong>{tr(|t| t.offline_title())}</strong>
            " "
            {tr(|t| t.offline_body())}
        </div>
    }
}

/// `aria-current` of a link to `page`.
fn current(pathname: Signal<String>, page: Page) -> Option<&'static str> {
    pathname.with(|path| path == page.path()).then_some("page")
}

#[component]
fn AccountNav(pathname: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let link = move |page: Page, label: crate::i18n::Text| {
        view! {
            <li>
                <a
                    href=page.path()
                    aria-current=move || current(pathname, page)
                    class:danger-link=page == Page::CloseAccount
                >
                    {move || label(i18n.t())}
                </a>
            </li>
        }
    };
    // On a narrow screen the tabs scroll sideways, and the page's own (Close account, the
    // last) would start out of view: brought into view, centred, as the page or the
    // language changes. In a frame callback, where the layout it reads is the frame's own.
    let tabs = NodeRef::<Ul>::new();
    Effect::new(move || {
        pathname.track();
        i18n.lang();
        let Some(tabs) = tabs.get() else { return };
        request_animation_frame(move || show_current_tab(&tabs));
    });
    view! {
        <nav class="account-nav" aria-label=move || i18n.t().account_nav()>
            <ul node_ref=tabs>
                {link(Page::PersonalInfo, |t| t.personal_info_title())}
                {link(Page::Devices, |t| t.devices_title())}
                {link(Page::Data, |t| t.data_title())}
                {link(Page::CloseAccount, |t| t.close_account_title())}
            </ul>
        </nav>
    }
}

/// Scrolls the tab strip so that the current page's tab is centred, if the strip scrolls.
fn show_current_tab(tabs: &web_sys::HtmlElement) {
    if tabs.scroll_width() <= tabs.client_width() {
        return;
    }
    let current = tabs
        .query_selector("a[aria-current=page]")
        .ok()
        .flatten()
        .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(tab) = current {
        // `offsetLeft` counts from the strip (`position: relative`), whatever its scroll.
        let centre = tab.offset_left() + tab.offset_width() / 2;
        tabs.set_scroll_left(centre - tabs.client_width() / 2);
    }
}
