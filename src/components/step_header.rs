//! "Step 2 of 6" above the step's `<h1>`, and the wizard's progress with `aria-current="step"`.

use farewell_api::WizardStep;
use leptos::prelude::*;

use crate::i18n::{Strings, fill, use_i18n};

pub fn step_title(t: &'static Strings, step: WizardStep) -> &'static str {
    match step {
        WizardStep::BeforeYouGo => t.step_before_you_go(),
        WizardStep::Checklist => t.step_checklist(),
        WizardStep::Terms => t.step_terms(),
        WizardStep::Verify => t.step_verify(),
        WizardStep::Confirm => t.step_confirm(),
        WizardStep::Done => t.step_done(),
    }
}

/// Told the step as a signal: built once, it only moves the marks of the current and the
/// finished steps and the count.
#[component]
pub fn StepHeader(#[prop(into)] step: Signal<WizardStep>) -> impl IntoView {
    let i18n = use_i18n();
    let total = WizardStep::ALL.len().to_string();
    view! {
        <nav class="wizard-progress" aria-label=move || i18n.t().wizard_progress()>
            <ol>
                {WizardStep::ALL
                    .into_iter()
                    .map(|s| {
                        let done = move || s < step.get();
                        view! {
                            <li
                                aria-current=move || (s == step.get()).then_some("step")
                                class:done=done
                            >
                                <span class="visually-hidden">
                                    {move || if done() { i18n.t().step_state_done() } else { "" }}
                                </span>
                                {move || step_title(i18n.t(), s)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
        <p class="step-count">
            {move || {
                let number = step.get().number().to_string();
                fill(i18n.t().step_of(), &[("n", &number), ("total", &total)])
            }}
        </p>
    }
}
