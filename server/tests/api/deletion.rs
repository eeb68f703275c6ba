//! The close-account checklist: every gate blocks the next step, server-side, until fixed.

use farewell_server::seed;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Browser, assert_problem, spawn_app};

async fn deletion(browser: &mut Browser<'_>) -> Value {
    let response = browser.get("/deletion").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn unmet(state: &Value) -> Vec<String> {
    state["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["ok"] == false)
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn post(browser: &mut Browser<'_>, path: &str) -> reqwest::Response {
    let request = browser.request(Method::POST, path);
    browser.send(request).await
}

async fn put(browser: &mut Browser<'_>, path: &str, body: Value) -> reqwest::Response {
    let request = browser.request(Method::PUT, path).json(&body);
    browser.send(request).await
}

/// Terms are the step after the checklist: the 409 names what is still open.
async fn assert_terms_refused(browser: &mut Browser<'_>, expected: &[&str]) {
    let response = put(browser, "/deletion/terms", json!({ "accepted": true })).await;
    let problem = assert_problem(response, StatusCode::CONFLICT, "step_out_of_order").await;
    let named: Vec<&str> =
        problem["unmet"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(named, expected);
}

#[tokio::test]
async fn nothing_is_started_until_the_person_continues_from_before_you_go() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    let state = deletion(&mut browser).await;
    assert_eq!(state["status"], "none");
    assert_eq!(state["next_step"], "before_you_go");
    let ticks = json!({ "balance_forfeit": true, "purchases_erased": true, "no_backup": true });
    let response = put(&mut browser, "/deletion/acknowledgements", ticks).await;
    let problem = assert_problem(response, StatusCode::CONFLICT, "step_out_of_order").await;
    assert_eq!(problem["unmet"], json!(["before_you_go"]));
    assert_terms_refused(&mut browser, &["before_you_go"]).await;

    for _ in 0..2 {
        let started: Value = post(&mut browser, "/deletion").await.json().await.unwrap();
        assert_eq!(started["status"], "in_progress");
        assert_eq!(started["next_step"], "checklist");
    }
}

#[tokio::test]
async fn each_demo_gate_blocks_the_next_step_until_it_is_fixed() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    post(&mut browser, "/deletion").await;
    let state = deletion(&mut browser).await;
    assert_eq!(
        unmet(&state),
        [
            "devices_signed_out",
            "find_my_device_off",
            "balance_forfeit",
            "purchases_erased",
            "backup"
        ]
    );
    let all_open = [
        "devices_signed_out",
        "find_my_device_off",
        "balance_forfeit",
        "purchases_erased",
        "backup",
    ];
    assert_terms_refused(&mut browser, &all_open).await;

    // Ticks cannot waive gates.
    let ticks = json!({ "balance_forfeit": true, "purchases_erased": true, "no_backup": true });
    let state: Value =
        put(&mut browser, "/deletion/acknowledgements", ticks).await.json().await.unwrap();
    assert_eq!(unmet(&state), ["devices_signed_out", "find_my_device_off"]);
    assert_terms_refused(&mut browser, &["devices_signed_out", "find_my_device_off"]).await;

    let off = browser
        .request(Method::POST, "/devices/dev-7f3a9c21/find-my-device/off")
        .json(&json!({ "password": seed::DEMO_PASSWORD }));
    browser.send(off).await;
    assert_terms_refused(&mut browser, &["devices_signed_out"]).await;

    for device in ["dev-7f3a9c21", "dev-2b8e4d10"] {
        post(&mut browser, &format!("/devices/{device}/sign-out")).await;
    }
    assert_terms_refused(&mut browser, &["devices_signed_out"]).await;
    post(&mut browser, "/devices/dev-c5d61e77/sign-out").await;

    let state = deletion(&mut browser).await;
    assert!(unmet(&state).is_empty(), "{state}");
    assert_eq!(state["next_step"], "terms");
    let accepted = put(&mut browser, "/deletion/terms", json!({ "accepted": true })).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let state: Value = accepted.json().await.unwrap();
    assert_eq!(state["next_step"], "verify");
}

#[tokio::test]
async fn withdrawing_an_acknowledgement_reopens_the_checklist() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in(seed::OWES_EMAIL, seed::DEMO_PASSWORD).await;
    post(&mut browser, "/deletion").await;
    let ticks = json!({ "balance_forfeit": false, "purchases_erased": true, "no_backup": true });
    let state: Value =
        put(&mut browser, "/deletion/acknowledgements", ticks).await.json().await.unwrap();
    assert!(!unmet(&state).contains(&"purchases_erased".to_owned()));
    let ticks = json!({ "balance_forfeit": false, "purchases_erased": false, "no_backup": true });
    let state: Value =
        put(&mut browser, "/deletion/acknowledgements", ticks).await.json().await.unwrap();
    assert!(unmet(&state).contains(&"purchases_erased".to_owned()));
}

#[tokio::test]
async fn an_unpaid_instalment_and_an_open_order_block_owes_until_settled() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in(seed::OWES_EMAIL, seed::DEMO_PASSWORD).await;
    post(&mut browser, "/deletion").await;
    post(&mut browser, "/devices/dev-9a0b1c2d/sign-out").await;
    let ticks = json!({ "balance_forfeit": true, "purchases_erased": true, "no_backup": true });
    let state: Value =
        put(&mut browser, "/deletion/acknowledgements", ticks).await.json().await.unwrap();
    assert_eq!(unmet(&state), ["no_unpaid_balance", "no_open_orders"]);
    let owed = state["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "no_unpaid_balance")
        .unwrap()
        .clone();
    assert_eq!(owed["kind"], "gate");
    assert_eq!(owed["amount"], json!({ "minor": 8325, "currency": "USD" }));
    assert_terms_refused(&mut browser, &["no_unpaid_balance", "no_open_orders"]).await;

    // The store settles the instalment (outside this API); the gate opens on the next read.
    sqlx::query("UPDATE instalments SET paid = 1").execute(app.state.db.pool()).await.unwrap();
    assert_terms_refused(&mut browser, &["no_open_orders"]).await;
    sqlx::query("UPDATE purchases SET status = 'delivered'")
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let accepted = put(&mut browser, "/deletion/terms", json!({ "accepted": true })).await;
    assert_eq!(accepted.status(), StatusCode::OK);
}

#[tokio::test]
async fn acknowledgements_refuse_unknown_fields_and_change_nothing() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    post(&mut browser, "/deletion").await;
    let bad = json!({ "balance_forfeit": true, "purchases_erased": true, "no_backup": true, "gates": "off" });
    let response = put(&mut browser, "/deletion/acknowledgements", bad).await;
    assert!(response.status().is_client_error());
    let state = deletion(&mut browser).await;
    assert_eq!(state["acknowledgements"]["balance_forfeit"], false);
}

#[tokio::test]
async fn the_inventory_counts_what_the_demo_account_holds() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    let inventory: Value = browser.get("/inventory").await.json().await.unwrap();
    assert_eq!(inventory["photos"], 240);
    assert!(inventory["photo_bytes"].as_u64().unwrap() > 240 * 100);
    assert_eq!(inventory["contacts"], 80);
    assert_eq!(inventory["notes"], 12);
    assert_eq!(inventory["messages"], 60);
    assert_eq!(inventory["devices"], 3);
    assert_eq!(inventory["purchases"], 4);
    assert_eq!(inventory["active_warranties"], 3);
    assert_eq!(inventory["wallet"], json!({ "minor": 1250, "currency": "USD" }));
    assert_eq!(inventory["forum_posts"], 6);
    assert_eq!(inventory["third_party_apps"], json!(["PhotoPrint Studio", "RideShare Go"]));
}
