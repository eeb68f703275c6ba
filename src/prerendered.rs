//! The sign-in page arrives pre-rendered (`prerendered/`, put in by the build): its form
//! shows, and works as a plain HTML form, before the app has started. The app then takes its
//! place, carrying over what the person did on it meanwhile.

use std::cell::Cell;

use leptos::prelude::document;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

thread_local! {
    /// Set when focus went back to where the person had put it, until the page's heading asks.
    static FOCUS_KEPT: Cell<bool> = const { Cell::new(false) };
}

/// Whether focus was given back to where the person had put it on the pre-rendered page (the
/// heading then does not take it, as it does when a page appears). Asking clears it.
pub fn focus_was_kept() -> bool {
    FOCUS_KEPT.with(Cell::take)
}

/// What the person typed into the pre-rendered form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typed {
    pub login: String,
    pub password: String,
}

/// Where focus was: the focused element's place among the page's elements (the app draws
/// the same elements, as an end-to-end test holds it to), and the selection in a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    place: u32,
    selection: Option<(u32, u32)>,
}

/// Removes the pre-rendered page from `<body>` (everything but `<noscript>` and scripts),
/// keeping what was typed into it and where focus was. Without one (a page that was not
/// pre-rendered) nothing was typed and nothing is removed.
pub fn take_over() -> (Typed, Option<Focus>) {
    let document = document();
    let value = |id: &str| {
        document
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default()
    };
    let typed = Typed { login: value("login"), password: value("password") };
    let Some(body) = document.body() else { return (typed, None) };
    let focus = document.active_element().and_then(|focused| {
        let elements = body.get_elements_by_tag_name("*");
        let place =
            (0..elements.length()).find(|&i| elements.item(i).as_ref() == Some(&focused))?;
        let selection = focused
            .dyn_into::<HtmlInputElement>()
            .ok()
            .and_then(|field| Some((field.selection_start().ok()??, field.selection_end().ok()??)));
        Some(Focus { place, selection })
    });
    let children = body.children();
    for i in (0..children.length()).rev() {
        if let Some(child) = children.item(i)
            && !matches!(child.tag_name().as_str(), "NOSCRIPT" | "SCRIPT")
        {
            child.remove();
        }
    }
    (typed, focus)
}

impl Focus {
    /// Gives focus back to the element in the same place, with the caret or selection where it
    /// was. Call it once the app's page is drawn.
    pub fn restore(&self) {
        let Some(element) = document()
            .body()
            .and_then(|body| body.get_elements_by_tag_name("*").item(self.place))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        if element.focus().is_ok() {
            FOCUS_KEPT.with(|kept| kept.set(true));
        }
        if let (Some((start, end)), Some(field)) =
            (self.selection, element.dyn_ref::<HtmlInputElement>())
        {
            let _ = field.set_selection_range(start, end);
        }
    }
}
