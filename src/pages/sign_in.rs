//! `/signin`: email or phone plus password. Any wrong pair gets the same message, so the form
//! never tells anyone whether an account exists.

use crate::i18n::tr;
use farewell_api::{ProblemCode, SignInFailure, SignInRequest};
use leptos::{ev, prelude::*};

use crate::{
    api_client::{self, ApiError},
    auth::{AuthState, use_auth},
    components::{
        ErrorSummary, FieldError, PageHeading, error_summary::error_for, online::use_online,
    },
    i18n::{fill_count, use_i18n},
    prerendered::Typed,
};

/// The sign-in form. It takes its query and its way onward as props: inside the whole app
/// they come from the router, and the sign-in page's own small app has none.
#[component]
pub fn SignIn(
    /// `?next=`: where the person was heading (checked to stay on this site).
    #[prop(into)]
    next: Signal<Option<String>>,
    /// `?signed_out`: the person has just signed out.
    signed_out_notice: bool,
    /// Takes the person to a path of this site once signed in.
    go: Callback<String>,
    /// Why the server sent the page back, when its form was pressed before the app started.
    #[prop(default = None)]
    returned: Option<FieldError>,
    /// What was typed into the pre-rendered form before the app took its place.
    #[prop(optional)]
    typed: Typed,
) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let online = use_online();

    let login = RwSignal::new(typed.login);
    let password = RwSignal::new(typed.password);
    let errors = RwSignal::new(returned.into_iter().collect::<Vec<_>>());

    // Signed in (now or already): go where the person was heading.
    Effect::new(move || {
        if let AuthState::SignedIn(_) = auth.state.get() {
            go.run(farewell_api::after_sign_in(next.get_untracked().as_deref()).to_owned());
        }
    });

    let submit = Action::new_local(|request: &SignInRequest| {
        let request = request.clone();
        async move { api_client::sign_in(&request).await }
    });
    Effect::new(move || match submit.value().get() {
        Some(Ok(me)) => auth.signed_in(me),
        Some(Err(error)) => {
            password.set(String::new());
            errors.set(vec![sign_in_error(error)]);
        }
        None => {}
    });

    let blocked_reason = Memo::new(move |_| {
        let t = i18n.t();
        if !online.get() {
            Some(t.offline_submit_reason())
        } else if login.with(|l| l.trim().is_empty()) || password.with(String::is_empty) {
            Some(t.signin_fill_both())
        } else {
            None
        }
    });

    let on_submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        if submit.pending().get_untracked() || !online.0.get_untracked() {
            return;
        }
        let mut missing = Vec::new();
        if login.with_untracked(|l| l.trim().is_empty()) {
            missing.push(FieldError::new("login", |t| t.signin_login_missing()));
        }
        if password.with_untracked(String::is_empty) {
            missing.push(FieldError::new("password", |t| t.signin_password_missing()));
        }
        if !missing.is_empty() {
            errors.set(missing);
            return;
        }
        submit.dispatch(SignInRequest {
            login: login.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        });
    };

    let field_error = move |field: &'static str| move || error_for(&errors.get(), field, i18n.t());
    let described_by = move |field: &'static str, hint: Option<&'static str>| {
        move || {
            let error = errors.with(|e| e.iter().any(|e| e.field == field));
            let ids: Vec<String> = hint
                .map(str::to_owned)
                .into_iter()
                .chain(error.then(|| format!("{field}-error")))
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move |field: &'static str| {
        move || errors.with(|e| e.iter().any(|e| e.field == field)).then_some("true")
    };

    view! {
        <div class="card narrow">
            <PageHeading
                text=Signal::derive(move || i18n.t().signin_title().to_owned())
                error=Signal::derive(move || !errors.with(Vec::is_empty))
            />
            <p class="lead">{tr(|t| t.signin_lead())}</p>
            <Show when=move || signed_out_notice>
                <p class="notice" role="status">{tr(|t| t.signed_out_notice())}</p>
            </Show>
            <ErrorSummary errors=errors />
            // A plain form too, as pre-rendered: pressed before the app has started, it posts
            // to this page's own address (so `?next=` goes along), never a password in a URL.
            <form method="post" novalidate on:submit=on_submit>
                <div class="field" class:field-invalid=move || invalid("login")().is_some()>
                    <label for="login">{tr(|t| t.signin_login_label())}</label>
                    <p class="hint" id="login-hint">{tr(|t| t.signin_login_hint())}</p>
                    <p class="field-error" id="login-error" hidden=move || field_error("login")().is_none()>
                        {field_error("login")}
                    </p>
                    <input
                        id="login"
                        name="login"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        aria-describedby=described_by("login", Some("login-hint"))
                        aria-invalid=invalid("login")
                        prop:value=login
                        on:input=move |ev| login.set(event_target_value(&ev))
                    />
                </div>
                <div class="field" class:field-invalid=move || invalid("password")().is_some()>
                    <label for="password">{tr(|t| t.signin_password_label())}</label>
                    <p class="field-error" id="password-error" hidden=move || field_error("password")().is_none()>
                        {field_error("password")}
                    </p>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        aria-describedby=described_by("password", None)
                        aria-invalid=invalid("password")
                        prop:value=password
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </div>
                <button
                    type="submit"
                    class="button primary"
                    aria-disabled=move || blocked_reason.get().is_some().to_string()
                    aria-describedby="signin-blocked"
                >
                    {move || if submit.pending().get() { i18n.t().signin_pending() } else { i18n.t().signin_button() }}
                </button>
                <p class="blocked-reason" id="signin-blocked" aria-live="polite">
                    {move || blocked_reason.get()}
                </p>
            </form>
        </div>
    }
}

/// What the person is told after a failed attempt, attached to the field to fix.
fn sign_in_error(error: ApiError) -> FieldError {
    match error {
        ApiError::Problem(problem) if problem.code == ProblemCode::TooManyRequests => {
            throttled(problem.retry_after)
        }
        ApiError::Problem(problem) if problem.status == 401 || problem.status == 422 => {
            FieldError::new("login", |t| t.signin_invalid())
        }
        ApiError::Network => FieldError::new("login", |t| t.error_network()),
        ApiError::Problem(_) => FieldError::new("login", |t| t.error_unexpected()),
    }
}

fn throttled(retry_after: Option<u64>) -> FieldError {
    let minutes = farewell_api::minutes_to_wait(retry_after);
    let text =
        fill_count(minutes, "minutes", |t| t.signin_throttled_one(), |t| t.signin_throttled());
    FieldError::with("login", text)
}

/// Why the server sent the page back after its plain form was posted, as the app would have
/// said it (`retry_after` in seconds when throttled).
pub fn returned_failure(failure: SignInFailure, retry_after: Option<&str>) -> FieldError {
    match failure {
        SignInFailure::Missing => FieldError::new("login", |t| t.signin_fill_both()),
        SignInFailure::Invalid => FieldError::new("login", |t| t.signin_invalid()),
        SignInFailure::Throttled => throttled(retry_after.and_then(|s| s.parse().ok())),
    }
}
