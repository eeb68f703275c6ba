//! The error summary (GOV.UK pattern): after a failed submit it takes focus, says "There is
//! a problem", and links each error to its field.

use crate::i18n::tr;
use std::sync::Arc;

use leptos::{ev, html::Div, prelude::*};

use crate::i18n::{Strings, Text, use_i18n};

/// One problem with one field. The message is computed from the strings of the current
/// language, so switching language translates errors already on screen.
#[derive(Clone)]
pub struct FieldError {
    /// The `id` of the input the error is about.
    pub field: &'static str,
    pub message: Arc<dyn Fn(&'static Strings) -> String + Send + Sync>,
}

impl FieldError {
    pub fn new(field: &'static str, message: Text) -> Self {
        Self { field, message: Arc::new(move |t| message(t).to_owned()) }
    }

    pub fn with(
        field: &'static str,
        message: impl Fn(&'static Strings) -> String + Send + Sync + 'static,
    ) -> Self {
        Self { field, message: Arc::new(message) }
    }
}

/// The message for `field`, if it has one, for the inline error beside the input.
pub fn error_for(errors: &[FieldError], field: &str, t: &'static Strings) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| (e.message)(t))
}

#[component]
pub fn ErrorSummary(#[prop(into)] errors: Signal<Vec<FieldError>>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = NodeRef::<Div>::new();
    // Every failed submit sets the errors again, so focus returns here each time.
    Effect::new(move || {
        if !errors.get().is_empty()
            && let Some(el) = summary.get_untracked()
        {
            let _ = el.focus();
        }
    });
    let items = move || {
        errors
            .get()
            .into_iter()
            .map(|error| {
                let field = error.field;
                let focus_field = move |event: ev::MouseEvent| {
                    event.prevent_default();
                    if let Some(input) = document().get_element_by_id(field) {
                        use wasm_bindgen::JsCast;
                        if let Ok(input) = input.dyn_into::<web_sys::HtmlElement>() {
                            let _ = input.focus();
                        }
                    }
                };
                view! {
                    <li>
                        <a href=format!("#{field}") on:click=focus_field>
                            {move || (error.message)(i18n.t())}
                        </a>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div
            class="error-summary"
            tabindex="-1"
            node_ref=summary
            aria-labelledby="error-summary-title"
            hidden=move || errors.get().is_empty()
        >
            <h2 id="error-summary-title">{tr(|t| t.error_summary_title())}</h2>
            <ul>{items}</ul>
        </div>
    }
}
