//! `/account/close`: the close-account wizard. The server's `GET /deletion` is the one source
//! of truth; the step shown is derived from it, so leaving and coming back resumes at the
//! first unfinished step, and a gate that reopens sends the person back to the checklist.

mod before_you_go;
mod checklist;
mod confirm;
mod done;
mod terms;
mod verify;

pub use done::Done;

use farewell_api::{DeletionState, WizardStep};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;

use crate::{
    api_client::{self, ApiError},
    auth::{Auth, use_auth},
    components::{PageHeading, step_header::StepHeader},
    format,
    i18n::{fill, tr, use_i18n},
    routes::Page,
};

/// What every step gets: the server's state, a way to replace it with a newer answer, and a
/// way to move on.
#[derive(Clone, Copy)]
pub struct Wizard {
    pub state: Signal<DeletionState>,
    loaded: ReadSignal<Option<Result<DeletionState, ApiError>>>,
    set_state: WriteSignal<Option<Result<DeletionState, ApiError>>>,
    viewing: RwSignal<Option<WizardStep>>,
    /// What the checklist shows beside its items, when asked for with the request that
    /// opened it; the checklist takes it as it appears.
    checklist_extras: StoredValue<Option<checklist::Extras>, LocalStorage>,
    auth: Auth,
}

impl Wizard {
    /// Takes a newer answer from the server (or signs out when the session has ended).
    pub fn accept(&self, result: Result<DeletionState, ApiError>) {
        match result {
            Ok(state) => {
                // The first answer places the person at the first unfinished step; from then
                // on they move on by choice, so finishing the checklist does not jump ahead.
                if self.viewing.get_untracked().is_none() {
                    self.viewing.set(Some(state.next_step));
                }
                self.set_state.set(Some(Ok(state)));
            }
            Err(error) if error.is_unauthenticated() => self.auth.signed_out(),
            // A refused action leaves the last good state on screen; the step says what went
            // wrong. Only a first load that fails has nothing else to show.
            Err(error) => {
                if self.loaded.with_untracked(|l| !matches!(l, Some(Ok(_)))) {
                    self.set_state.set(Some(Err(error)));
                }
            }
        }
    }

    /// Reads `GET /deletion` again.
    pub fn reload(&self) {
        let wizard = *self;
        spawn_local(async move { wizard.accept(api_client::deletion().await) });
    }

    /// Shows `step`; the server's `next_step` still caps how far the person can go.
    pub fn go_to(&self, step: WizardStep) {
        self.viewing.set(Some(step));
    }

    /// Shows the checklist with what it shows beside its items already in hand.
    pub fn open_checklist(&self, extras: checklist::Extras) {
        self.checklist_extras.set_value(Some(extras));
        self.go_to(WizardStep::Checklist);
    }

    /// What `open_checklist` handed over, once.
    fn take_checklist_extras(&self) -> Option<checklist::Extras> {
        self.checklist_extras.try_update_value(Option::take).flatten()
    }
}

#[component]
pub fn CloseAccount() -> impl IntoView {
    let i18n = use_i18n();
    let (loaded, set_loaded) = signal(None::<Result<DeletionState, ApiError>>);
    let viewing = RwSignal::new(None::<WizardStep>);
    // A memo, not a derived signal: every step reads the state many times per render, and a
    // memo hands out the one copy (and stays quiet when a reload answers the same).
    let state = Memo::new(move |_| {
        loaded.with(|l| match l {
            Some(Ok(state)) => state.clone(),
            _ => placeholder_state(),
        })
    })
    .into();
    let wizard = Wizard {
        state,
        loaded,
        set_state: set_loaded,
        viewing,
        checklist_extras: StoredValue::new_local(None),
        auth: use_auth(),
    };
    wizard.reload();

    // The step on screen: where the person chose to be, never past the first unfinished one.
    let step = Memo::new(move |_| {
        let next =
            loaded.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).map(|s| s.next_step))?;
        Some(viewing.get().map_or(next, |v| v.min(next)))
    });
    let failed = move || loaded.with(|l| matches!(l, Some(Err(e)) if !e.is_unauthenticated()));
    // The card and its progress are built once and follow the step; only the step's own part
    // is built anew. Rebuilt on every step, the progress made its render effects again and
    // put its texts back in place: ~4 ms of a transition under tracing.
    let has_step = Memo::new(move |_| step.get().is_some());
    let current = Memo::new(move |_| step.get().unwrap_or(WizardStep::BeforeYouGo));

    view! {
        <div class="wizard">
            {move || match has_step.get() {
                false if failed() => view! {
                    <div class="card">
                        <PageHeading text=Signal::derive(move || i18n.t().close_account_title().to_owned()) />
                        <p class="field-error">{tr(|t| t.error_network())}</p>
                        <button type="button" class="button secondary" on:click=move |_| wizard.reload()>
                            {tr(|t| t.try_again())}
                        </button>
                    </div>
                }
                .into_any(),
                false => view! {
                    <div class="card skeleton" aria-busy="true">
                        <p class="visually-hidden">{tr(|t| t.loading())}</p>
                        <div class="skeleton-line wide"></div>
                        <div class="skeleton-line"></div>
                        <div class="skeleton-line"></div>
                    </div>
                }
                .into_any(),
                true => view! {
                    <div class="card">
                        <StepHeader step=current />
                        {move || match current.get() {
                            WizardStep::BeforeYouGo => view! { <before_you_go::BeforeYouGo wizard /> }.into_any(),
                            WizardStep::Checklist => view! { <checklist::Checklist wizard extras=wizard.take_checklist_extras() /> }.into_any(),
                            WizardStep::Terms => view! { <terms::Terms wizard /> }.into_any(),
                            WizardStep::Verify => view! { <verify::Verify wizard /> }.into_any(),
                            WizardStep::Confirm => view! { <confirm::Confirm wizard /> }.into_any(),
                            WizardStep::Done => view! { <AlreadyRequested wizard /> }.into_any(),
                        }}
                    </div>
                }
                .into_any(),
            }}
        </div>
    }
}

/// The request was already confirmed (another tab, or a retry): say so, with its facts.
#[component]
fn AlreadyRequested(wizard: Wizard) -> impl IntoView {
    let i18n = use_i18n();
    let date = move || {
        wizard.state.with(|s| s.scheduled_for.clone()).map(|d| format::long_date(i18n.lang(), &d))
    };
    view! {
        <PageHeading text=Signal::derive(move || i18n.t().done_title().to_owned()) />
        <p class="reference">{move || wizard.state.with(|s| s.reference.clone())}</p>
        <p>{move || fill(i18n.t().done_scheduled(), &[("date", &date().unwrap_or_default())])}</p>
        <p>
            <A href=Page::PersonalInfo.path()>{tr(|t| t.back_to_personal_info())}</A>
        </p>
    }
}

/// Shown only before the first answer arrives; no step renders from it.
fn placeholder_state() -> DeletionState {
    DeletionState {
        status: farewell_api::DeletionStatus::None,
        next_step: WizardStep::BeforeYouGo,
        checklist: Vec::new(),
        acknowledgements: Default::default(),
        terms_accepted: false,
        verification: Default::default(),
        reference: None,
        scheduled_for: None,
        requested_at: None,
        reminders: Vec::new(),
    }
}
