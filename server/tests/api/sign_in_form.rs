//! The sign-in page's form posted as plain HTML, as it is when pressed before the app has
//! started: it signs in like the API, answers with a redirect, and only from our own pages.

use farewell_server::seed;
use reqwest::{Response, StatusCode, header};

use crate::helpers::{TestApp, assert_problem, session_cookie, spawn_app};

/// Posts the form as a browser on one of our pages would, from `origin`.
async fn post_form(app: &TestApp, origin: Option<&str>, fields: &[(&str, &str)]) -> Response {
    post_form_to(app, "/signin", origin, fields).await
}

/// Posts the form to `path`: the form posts to its page's own address, query and all.
async fn post_form_to(
    app: &TestApp,
    path: &str,
    origin: Option<&str>,
    fields: &[(&str, &str)],
) -> Response {
    let mut request = app.http.post(format!("{}{path}", app.base)).form(fields);
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    request.send().await.unwrap()
}

fn location(response: &Response) -> &str {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()[header::LOCATION].to_str().unwrap()
}

#[tokio::test]
async fn a_press_before_the_app_starts_signs_in_and_goes_where_the_person_was_heading() {
    let app = spawn_app().await;
    let fields = [("login", seed::DEMO_EMAIL), ("password", seed::DEMO_PASSWORD)];
    let page = "/signin?next=%2Faccount%2Fdevices";
    let response = post_form_to(&app, page, Some(&app.base), &fields).await;
    assert_eq!(location(&response), "/account/devices");
    let cookie = session_cookie(&response).expect("a session cookie");
    let mut browser = app.browser();
    browser.cookie = Some(cookie);
    let me = browser.get("/me").await;
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_sign_in_never_leads_off_the_site_or_back_to_signing_out() {
    let app = spawn_app().await;
    for (next, expected) in [
        ("//evil.example", "/account"),
        ("https://evil.example", "/account"),
        ("/signout", "/account"),
    ] {
        let fields =
            [("login", seed::DEMO_EMAIL), ("password", seed::DEMO_PASSWORD), ("next", next)];
        let response = post_form(&app, Some(&app.base), &fields).await;
        assert_eq!(location(&response), expected, "{next}");
    }
}

#[tokio::test]
async fn a_wrong_pair_returns_to_the_page_with_the_reason_and_no_session() {
    let app = spawn_app().await;
    for login in [seed::DEMO_EMAIL, "nobody@example.com"] {
        let fields = [("login", login), ("password", "wrong")];
        let page = "/signin?next=%2Faccount%2Fclose";
        let response = post_form_to(&app, page, Some(&app.base), &fields).await;
        assert_eq!(location(&response), "/signin?error=invalid&next=%2Faccount%2Fclose");
        assert_eq!(session_cookie(&response), None);
    }
}

#[tokio::test]
async fn an_empty_field_returns_to_the_page_without_trying() {
    let app = spawn_app().await;
    for fields in [&[("login", " "), ("password", "x")][..], &[("password", "x")], &[]] {
        let response = post_form(&app, Some(&app.base), fields).await;
        assert_eq!(location(&response), "/signin?error=missing");
    }
    // Nothing was tried, so nothing was counted against the address: the right pair still works.
    let fields = [("login", seed::DEMO_EMAIL), ("password", seed::DEMO_PASSWORD)];
    assert_eq!(location(&post_form(&app, Some(&app.base), &fields).await), "/account");
}

#[tokio::test]
async fn the_form_is_throttled_with_the_api_and_says_how_long_to_wait() {
    let app = spawn_app().await;
    let wrong = [("login", seed::OWES_EMAIL), ("password", "wrong")];
    for _ in 0..10 {
        post_form(&app, Some(&app.base), &wrong).await;
    }
    let right = [("login", seed::OWES_EMAIL), ("password", seed::DEMO_PASSWORD)];
    let response = post_form(&app, Some(&app.base), &right).await;
    let to = location(&response);
    let wait: u64 = to
        .strip_prefix("/signin?error=throttled&retry_after=")
        .unwrap_or_else(|| panic!("{to}"))
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    assert_eq!(session_cookie(&response), None);
    // The API counts the same failures.
    let mut browser = app.browser();
    let api = browser.sign_in(seed::OWES_EMAIL, seed::DEMO_PASSWORD).await;
    assert_problem(api, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
}

#[tokio::test]
async fn a_form_on_another_site_cannot_sign_anyone_in() {
    let app = spawn_app().await;
    let fields = [("login", seed::DEMO_EMAIL), ("password", seed::DEMO_PASSWORD)];
    for origin in [Some("https://evil.example"), Some("null"), None] {
        let response = post_form(&app, origin, &fields).await;
        assert_eq!(session_cookie(&response), None, "{origin:?}");
        assert_problem(response, StatusCode::FORBIDDEN, "csrf").await;
    }
    // Without an Origin, or with an opaque one (what browsers send from our own pages, whose
    // referrer policy is no-referrer), the browser's fetch metadata must vouch for the page.
    for origin in [None, Some("null")] {
        for (site, signs_in) in [("same-origin", true), ("cross-site", false), ("none", false)] {
            let mut request = app.http.post(format!("{}/signin", app.base)).form(&fields);
            if let Some(origin) = origin {
                request = request.header(header::ORIGIN, origin);
            }
            let response = request.header("sec-fetch-site", site).send().await.unwrap();
            assert_eq!(session_cookie(&response).is_some(), signs_in, "{origin:?} {site}");
        }
    }
}

#[tokio::test]
async fn a_body_that_is_not_a_form_is_a_problem_and_signs_nobody_in() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(format!("{}/signin", app.base))
        .header(header::ORIGIN, &app.base)
        .json(&serde_json::json!({ "login": seed::DEMO_EMAIL, "password": seed::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(session_cookie(&response), None);
    assert_problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
}

#[tokio::test]
async fn a_form_larger_than_any_sign_in_is_refused_whole() {
    let app = spawn_app().await;
    let huge = "x".repeat(100 * 1024);
    let fields = [("login", seed::DEMO_EMAIL), ("password", huge.as_str())];
    let response = post_form(&app, Some(&app.base), &fields).await;
    assert_eq!(session_cookie(&response), None);
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}
