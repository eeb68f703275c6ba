//! Tables over every route of the OpenAPI document: a new route is covered the day it is added.

use farewell_server::seed;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp, assert_problem, spawn_app};

/// One operation of the document: `(method, path template)`.
type Operation = (Method, String);

async fn operations(app: &TestApp) -> Vec<Operation> {
    let document: Value =
        app.http.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.push((method.to_uppercase().parse().unwrap(), path.clone()));
        }
    }
    operations
}

/// The person-visible state of an account, read through the API as that person.
async fn snapshot(browser: &mut Browser<'_>) -> Value {
    let mut state = json!({});
    for path in ["/me", "/devices", "/deletion", "/export", "/inventory"] {
        let response = browser.get(path).await;
        state[path] =
            json!({ "status": response.status().as_u16(), "body": response.text().await.unwrap() });
    }
    state
}

#[tokio::test]
async fn the_document_lists_every_route_of_the_contract() {
    let app = spawn_app().await;
    let operations = operations(&app).await;
    let contract = [
        "GET /session",
        "POST /session",
        "DELETE /session",
        "DELETE /sessions",
        "GET /me",
        "GET /devices",
        "POST /devices/{id}/sign-out",
        "POST /devices/{id}/find-my-device/off",
        "GET /inventory",
        "POST /export",
        "GET /export",
        "GET /export/{id}/download",
        "GET /deletion",
        "PUT /deletion/acknowledgements",
        "PUT /deletion/terms",
        "POST /deletion/reauth",
        "POST /deletion/code",
        "POST /deletion/code/verify",
        "POST /deletion/confirm",
        "DELETE /deletion",
        "POST /cancel/{token}",
        "GET /health",
        "GET /ready",
        "GET /dev/outbox",
    ];
    let listed: Vec<String> = operations.iter().map(|(m, p)| format!("{m} {p}")).collect();
    for route in contract {
        assert!(listed.iter().any(|l| l == route), "{route} missing from {listed:?}");
    }
}

#[tokio::test]
async fn every_state_changing_route_refuses_a_cross_site_request_and_changes_nothing() {
    let app = spawn_app().await;
    let mut demo = app.browser();
    demo.sign_in_demo().await;
    let before = snapshot(&mut demo).await;
    let cookie = demo.cookie.clone().unwrap();

    let unsafe_routes: Vec<Operation> =
        operations(&app).await.into_iter().filter(|(m, _)| *m != Method::GET).collect();
    assert!(unsafe_routes.len() >= 17, "{unsafe_routes:?}");
    for (method, template) in &unsafe_routes {
        let path = template.replace("{id}", "dev-7f3a9c21").replace("{token}", "any");
        let body = json!({ "password": seed::DEMO_PASSWORD });
        let bare = app
            .http
            .request(method.clone(), app.url(&path))
            .header(header::COOKIE, &cookie)
            .json(&body);
        let response = bare.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {template} without header");
        assert_problem(response, StatusCode::FORBIDDEN, "csrf").await;

        let foreign =
            demo.request(method.clone(), &path).header(header::ORIGIN, "https://evil.example");
        let response = foreign.json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {template} foreign origin");
        assert_problem(response, StatusCode::FORBIDDEN, "csrf").await;
    }
    println!("CSRF table: {n} of {n} state-changing routes refused", n = unsafe_routes.len());
    assert_eq!(snapshot(&mut demo).await, before, "a refused request changed the account");
}

/// A value of account B for each path parameter a route may take.
fn ids_of_b(template: &str, export_id: &str) -> String {
    let mut path = template.to_owned();
    for (name, value) in [
        ("{id}", if template.starts_with("/export") { export_id } else { "dev-7f3a9c21" }),
        // A cancel link is a capability, not an ID: the guess an attacker has is B's IDs.
        ("{token}", export_id),
    ] {
        path = path.replace(name, value);
    }
    assert!(!path.contains('{'), "no value of account B for a parameter of {template}");
    path
}

#[tokio::test]
async fn account_a_gets_404_for_every_route_that_names_account_bs_ids() {
    let app = spawn_app().await;
    let mut b = app.browser();
    b.sign_in_demo().await;
    let export = b.ready_export().await;
    let export_id = export["id"].as_str().unwrap().to_owned();
    let before = snapshot(&mut b).await;

    let mut a = app.browser();
    let response = a.sign_in(seed::OWES_EMAIL, seed::DEMO_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);

    let with_ids: Vec<Operation> =
        operations(&app).await.into_iter().filter(|(_, p)| p.contains('{')).collect();
    assert!(with_ids.len() >= 5, "{with_ids:?}");
    for (method, template) in &with_ids {
        let path = ids_of_b(template, &export_id);
        let request =
            a.request(method.clone(), &path).json(&json!({ "password": seed::DEMO_PASSWORD }));
        let response = a.send(request).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path} as account A");
        assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    println!("IDOR table: {n} of {n} routes with IDs answered 404", n = with_ids.len());
    assert_eq!(snapshot(&mut b).await, before, "account A changed account B");
}
