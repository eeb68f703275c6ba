//! The sign-in form in a real browser (wasm-bindgen-test in headless Chromium). The API is
//! replaced at the HTTP boundary (`window.fetch`) — only in these component tests.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{ME, mount, settle};
use farewell::pages::sign_in::SignIn;
use leptos::{prelude::*, task::tick};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Every API call answers `status` with `body` as a problem document.
fn fake_api(status: u16, body: &str) {
    let install = js_sys::Function::new_with_args(
        "status, body",
        "window.fetch = async () => new Response(body, {
            status, headers: { 'content-type': 'application/problem+json' } });",
    );
    install.call2(&JsValue::NULL, &status.into(), &body.into()).unwrap();
}

const INVALID: &str = r#"{"type":"about:blank","title":"The email, phone number or password is incorrect","status":401,"code":"invalid_credentials"}"#;

fn mount_sign_in() -> HtmlElement {
    mount_sign_in_then(None, Callback::new(|_: String| {}))
}

/// The form with `?next=` set to `next`, taking the person onward through `go`.
fn mount_sign_in_then(next: Option<&str>, go: Callback<String>) -> HtmlElement {
    let next = next.map(str::to_owned);
    mount(move || view! { <SignIn next=Signal::stored(next) signed_out_notice=false go=go /> })
}

fn by_id<T: JsCast>(id: &str) -> T {
    document().get_element_by_id(id).unwrap().unchecked_into()
}

fn submit_button(container: &HtmlElement) -> HtmlElement {
    container.query_selector("button[type=submit]").unwrap().unwrap().unchecked_into()
}

async fn type_into(id: &str, text: &str) {
    let input: HtmlInputElement = by_id(id);
    input.set_value(text);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    tick().await;
}

fn cleanup(container: HtmlElement) {
    container.remove();
}

#[wasm_bindgen_test]
async fn the_sign_in_form_renders_with_labelled_fields() {
    fake_api(401, INVALID);
    let container = mount_sign_in();
    tick().await;
    let h1 = container.query_selector("h1").unwrap().unwrap();
    assert_eq!(h1.text_content().unwrap(), "Sign in");
    for (id, label) in [("login", "Email or phone number"), ("password", "Password")] {
        let label_el = container.query_selector(&format!("label[for={id}]")).unwrap().unwrap();
        assert_eq!(label_el.text_content().unwrap(), label);
    }
    let login: HtmlInputElement = by_id("login");
    assert_eq!(login.autocomplete(), "username");
    let password: HtmlInputElement = by_id("password");
    assert_eq!(password.type_(), "password");
    cleanup(container);
}

#[wasm_bindgen_test]
async fn the_submit_button_is_disabled_until_both_fields_are_filled() {
    fake_api(401, INVALID);
    let container = mount_sign_in();
    tick().await;
    let button = submit_button(&container);
    let disabled = |b: &HtmlElement| b.get_attribute("aria-disabled").unwrap();
    assert_eq!(disabled(&button), "true");
    let reason = by_id::<HtmlElement>("signin-blocked").text_content().unwrap();
    assert!(reason.contains("Enter your email"), "{reason}");

    type_into("login", "demo@example.com").await;
    assert_eq!(disabled(&button), "true");
    type_into("password", "secret").await;
    assert_eq!(disabled(&button), "false");
    type_into("login", "   ").await;
    assert_eq!(disabled(&button), "true");
    cleanup(container);
}

#[wasm_bindgen_test]
async fn a_failed_attempt_moves_focus_to_the_error_summary() {
    fake_api(401, INVALID);
    let container = mount_sign_in();
    tick().await;
    type_into("login", "demo@example.com").await;
    type_into("password", "wrong").await;
    submit_button(&container).click();
    settle().await;

    let summary = container.query_selector(".error-summary").unwrap().unwrap();
    assert!(!summary.has_attribute("hidden"));
    let text = summary.text_content().unwrap();
    assert!(text.contains("There is a problem"), "{text}");
    assert!(text.contains("The email, phone number or password is incorrect."), "{text}");
    let active = document().active_element().unwrap();
    assert_eq!(active, summary, "focus is on the error summary");
    // The link in the summary leads to the field.
    let link: HtmlElement = summary.query_selector("a").unwrap().unwrap().unchecked_into();
    assert_eq!(link.get_attribute("href").unwrap(), "#login");
    link.click();
    assert_eq!(document().active_element().unwrap().id(), "login");
    // The password is cleared after a failure; the login is kept.
    assert_eq!(by_id::<HtmlInputElement>("password").value(), "");
    assert_eq!(by_id::<HtmlInputElement>("login").value(), "demo@example.com");
    cleanup(container);
}

#[wasm_bindgen_test]
async fn submitting_empty_fields_names_each_missing_field() {
    fake_api(401, INVALID);
    let container = mount_sign_in();
    tick().await;
    submit_button(&container).click();
    settle().await;
    let summary = container.query_selector(".error-summary").unwrap().unwrap();
    let text = summary.text_content().unwrap();
    assert!(text.contains("Enter your email or phone number"), "{text}");
    assert!(text.contains("Enter your password"), "{text}");
    let login: HtmlInputElement = by_id("login");
    assert_eq!(login.get_attribute("aria-invalid").as_deref(), Some("true"));
    cleanup(container);
}

#[wasm_bindgen_test]
async fn once_signed_in_the_person_goes_on_to_next_but_never_off_this_site() {
    // Every request answers with a session: the form finds the person signed in already.
    fake_api(200, &format!(r#"{{"me":{ME}}}"#));
    for (next, expected) in [
        (Some("/account/close"), "/account/close"),
        (None, "/account"),
        (Some("//evil.example"), "/account"),
        (Some("/signout"), "/account"),
    ] {
        let went = RwSignal::new(Vec::<String>::new());
        let container =
            mount_sign_in_then(next, Callback::new(move |path| went.update(|w| w.push(path))));
        settle().await;
        assert_eq!(went.get_untracked(), [expected], "next = {next:?}");
        cleanup(container);
    }
}
