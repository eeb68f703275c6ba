//! Step 4, "Verify it's you": the password again, then a code sent to the channel the person
//! picks. Remaining tries and the resend countdown are said in words.

use farewell_api::{Channel, ProblemCode, WizardStep};
use leptos::{ev, prelude::*, task::spawn_local};

use super::Wizard;
use crate::{
    api_client::{self, ApiError},
    components::{
        ErrorSummary, FieldError, PageHeading, countdown::countdown, error_summary::error_for,
    },
    i18n::{fill, fill_count, tr, use_i18n},
    rehearsal,
};

#[component]
pub fn Verify(wizard: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let busy = RwSignal::new(false);
    rehearsal::when_idle(move || view! { <super::confirm::Confirm wizard /> });
    let verification = Memo::new(move |_| wizard.state.with(|s| s.verification.clone()));
    let reauth_fresh = Memo::new(move |_| verification.with(|v| v.reauth_fresh));
    let live_code = Memo::new(move |_| {
        verification.with(|v| v.code.clone().filter(|c| c.expires_in > 0 && c.attempts_left > 0))
    });
    let resend_in = countdown(Signal::derive(move || {
        verification.with(|v| v.code.as_ref().map_or(0, |c| c.resend_in))
    }));
    let channel = RwSignal::new(Channel::Email);
    // A resend goes where the live code went, unless the person picks again.
    Effect::new(move || {
        if let Some(code) = verification.with(|v| v.code.clone()) {
            channel.set(code.channel);
        }
    });
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    // Sending a code replaces the form whose button had focus; the code field that appears
    // takes it, so a keyboard or screen-reader user is not left at the top of the page.
    let code_input = NodeRef::<leptos::html::Input>::new();
    let focus_code = RwSignal::new(false);
    Effect::new(move || {
        if focus_code.get()
            && let Some(input) = code_input.get()
        {
            let _ = input.focus();
            focus_code.set(false);
        }
    });

    // One request at a time: a double-click sends one.
    let run = move |request: std::pin::Pin<Box<dyn Future<Output = Option<FieldError>>>>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let error = request.await;
            errors.set(error.into_iter().collect());
            busy.set(false);
        });
    };

    let on_reauth = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let typed = password.get_untracked();
        if typed.is_empty() {
            errors.set(vec![FieldError::new("reauth-password", |t| t.signin_password_missing())]);
            return;
        }
        run(Box::pin(async move {
            let result = api_client::reauth(typed).await;
            password.set(String::new());
            let error = result.as_ref().err().map(|e| problem_field(e, "reauth-password"));
            wizard.accept(result);
            error
        }));
    };
    let send = move || {
        let chosen = channel.get_untracked();
        run(Box::pin(async move {
            let result = api_client::send_code(chosen).await;
            let error = result.as_ref().err().map(|e| problem_field(e, "send-code"));
            focus_code.set(error.is_none());
            wizard.accept(result);
            error
        }));
    };
    let on_send = move |event: ev::SubmitEvent| {
        event.prevent_default();
        send();
    };
    let on_verify = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let typed = code.get_untracked();
        if typed.trim().is_empty() {
            errors.set(vec![FieldError::new("code", |t| t.code_missing())]);
            return;
        }
        run(Box::pin(async move {
            let result = api_client::verify_code(typed).await;
            let ok = result.is_ok();
            let error = result.as_ref().err().map(|e| problem_field(e, "code"));
            wizard.accept(result);
            if ok {
                wizard.go_to(WizardStep::Confirm);
            } else {
                code.set(String::new());
            }
            error
        }));
    };

    let field_error = move |field: &'static str| move || error_for(&errors.get(), field, i18n.t());
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.iter().any(|e| e.field == field));

    view! {
        <PageHeading
            text=Signal::derive(move || i18n.t().step_verify().to_owned())
            error=Signal::derive(move || !errors.with(Vec::is_empty))
        />
        <p class="lead">{tr(|t| t.verify_lead())}</p>
        <ErrorSummary errors=errors />

        <Show
            when=move || reauth_fresh.get()
            fallback=move || view! {
                <form novalidate on:submit=on_reauth>
                    <div class="field" class:field-invalid=invalid("reauth-password")>
                        <label for="reauth-password">{tr(|t| t.verify_password_label())}</label>
                        <p class="hint" id="reauth-password-hint">{tr(|t| t.verify_password_hint())}</p>
                        <p class="field-error" id="reauth-password-error" hidden=move || !invalid("reauth-password")()>
                            {field_error("reauth-password")}
                        </p>
                        <input
                            id="reauth-password"
                            type="password"
                            autocomplete="current-password"
                            aria-describedby="reauth-password-hint reauth-password-error"
                            aria-invalid=move || invalid("reauth-password")().then_some("true")
                            prop:value=password
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    </div>
                    <button type="submit" class="button secondary">{tr(|t| t.verify_password_button())}</button>
                </form>
            }
        >
            <p class="notice">{tr(|t| t.verify_password_done())}</p>
            <Show
                when=move || live_code.get().is_some()
                fallback=move || view! {
                    <form novalidate on:submit=on_send>
                        <fieldset class="field" class:field-invalid=invalid("send-code")>
                            <legend>{tr(|t| t.verify_channel_legend())}</legend>
                            <p class="field-error" id="send-code-error" hidden=move || !invalid("send-code")()>
                                {field_error("send-code")}
                            </p>
                            {move || verification.get().channels.into_iter().map(|option| {
                                let id = format!("channel-{}", option.channel.as_str());
                                let which = option.channel;
                                view! {
                                    <div class="radio">
                                        <input
                                            type="radio"
                                            name="channel"
                                            id=id.clone()
                                            prop:checked=move || channel.get() == which
                                            on:change=move |_| channel.set(which)
                                        />
                                        <label for=id>
                                            {move || match which {
                                                Channel::Email => i18n.t().channel_email(),
                                                Channel::Phone => i18n.t().channel_phone(),
                                            }}
                                            " "
                                            <span class="masked">{option.masked.clone()}</span>
                                        </label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                        <button id="send-code" type="submit" class="button secondary">
                            {tr(|t| t.send_code())}
                        </button>
                    </form>
                }
            >
                <form novalidate on:submit=on_verify>
                    <div class="field" class:field-invalid=invalid("code")>
                        <label for="code">{tr(|t| t.code_label())}</label>
                        <p class="hint" id="code-hint">
                            {move || live_code.get().map(|c| fill(i18n.t().code_sent_to(), &[("to", &c.sent_to)]))}
                            " "
                            {move || live_code.get().map(|c| {
                                fill_count(c.attempts_left.into(), "n", |t| t.code_attempts_left_one(), |t| t.code_attempts_left())(i18n.t())
                            })}
                        </p>
                        <p class="field-error" id="code-error" hidden=move || !invalid("code")()>
                            {field_error("code")}
                        </p>
                        <input
                            id="code"
                            node_ref=code_input
                            class="code-input"
                            type="text"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            maxlength="7"
                            spellcheck="false"
                            aria-describedby="code-hint code-error"
                            aria-invalid=move || invalid("code")().then_some("true")
                            prop:value=code
                            on:input=move |ev| code.set(event_target_value(&ev))
                        />
                    </div>
                    <button type="submit" class="button secondary">{tr(|t| t.verify_code_button())}</button>
                </form>
                <div class="resend">
                    <button
                        type="button"
                        class="link-button"
                        aria-disabled=move || (resend_in.get() > 0).to_string()
                        aria-describedby="resend-wait"
                        on:click=move |_| if resend_in.get_untracked() == 0 { send() }
                    >
                        {tr(|t| t.resend_code())}
                    </button>
                    <p class="hint" id="resend-wait">
                        {move || {
                            let left = resend_in.get();
                            if left > 0 {
                                fill_count(left, "s", |t| t.resend_wait_one(), |t| t.resend_wait())(i18n.t())
                            } else {
                                i18n.t().resend_ready().to_owned()
                            }
                        }}
                    </p>
                    <p class="visually-hidden" aria-live="polite">
                        {move || (resend_in.get() == 0).then(|| i18n.t().resend_ready())}
                    </p>
                </div>
            </Show>
        </Show>
        <div class="step-nav">
            <button type="button" class="link-button" on:click=move |_| wizard.go_to(WizardStep::Terms)>
                {tr(|t| t.back())}
            </button>
        </div>
    }
}

/// The error a failed request shows, attached to `field`.
fn problem_field(error: &ApiError, field: &'static str) -> FieldError {
    let ApiError::Problem(problem) = error else {
        return FieldError::new(field, |t| t.error_network());
    };
    let minutes = farewell_api::minutes_to_wait(problem.retry_after);
    let seconds = problem.retry_after.unwrap_or(60);
    match problem.code {
        ProblemCode::InvalidCredentials => FieldError::new(field, |t| t.reauth_wrong_password()),
        ProblemCode::CodeInvalid => {
            let left = problem.remaining_attempts.unwrap_or(0).into();
            FieldError::with(
                field,
                fill_count(left, "n", |t| t.code_invalid_one(), |t| t.code_invalid()),
            )
        }
        ProblemCode::CodeExpired => FieldError::new(field, |t| t.code_expired()),
        ProblemCode::CodeLocked => FieldError::with(
            field,
            fill_count(minutes, "minutes", |t| t.code_locked_one(), |t| t.code_locked()),
        ),
        ProblemCode::TooManyRequests => FieldError::with(
            field,
            fill_count(seconds, "s", |t| t.send_too_soon_one(), |t| t.send_too_soon()),
        ),
        ProblemCode::StepOutOfOrder => FieldError::new(field, |t| t.reauth_expired()),
        _ => FieldError::new(field, |t| t.error_unexpected()),
    }
}
