//! Devices: remote sign-out and Find My Device, only ever on your own devices.

use farewell_server::seed;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

const PHONE_WITH_FIND_MY_DEVICE: &str = "dev-7f3a9c21";
const TABLET: &str = "dev-2b8e4d10";
const OWES_PHONE: &str = "dev-9a0b1c2d";

#[tokio::test]
async fn the_demo_account_lists_three_devices_one_with_find_my_device_on() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    let devices: Vec<Value> = browser.get("/devices").await.json().await.unwrap();
    assert_eq!(devices.len(), 3);
    assert!(devices.iter().all(|d| d["signed_in"] == true));
    let tracked: Vec<_> = devices.iter().filter(|d| d["find_my_device"] == true).collect();
    assert_eq!(tracked.len(), 1);
    assert_eq!(tracked[0]["id"], PHONE_WITH_FIND_MY_DEVICE);
}

#[tokio::test]
async fn a_device_is_signed_out_remotely_and_repeating_it_is_harmless() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    for _ in 0..2 {
        let request = browser.request(Method::POST, &format!("/devices/{TABLET}/sign-out"));
        let response = browser.send(request).await;
        assert_eq!(response.status(), StatusCode::OK);
        let device: Value = response.json().await.unwrap();
        assert_eq!(device["signed_in"], false);
    }
}

#[tokio::test]
async fn a_device_with_find_my_device_on_cannot_be_signed_out_until_it_is_off() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    let path = format!("/devices/{PHONE_WITH_FIND_MY_DEVICE}/sign-out");
    let request = browser.request(Method::POST, &path);
    assert_problem(browser.send(request).await, StatusCode::CONFLICT, "find_my_device_on").await;

    let off = browser
        .request(Method::POST, &format!("/devices/{PHONE_WITH_FIND_MY_DEVICE}/find-my-device/off"))
        .json(&json!({ "password": seed::DEMO_PASSWORD }));
    let device: Value = browser.send(off).await.json().await.unwrap();
    assert_eq!(device["find_my_device"], false);

    let request = browser.request(Method::POST, &path);
    assert_eq!(browser.send(request).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn turning_find_my_device_off_with_a_wrong_password_changes_nothing() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    let before: Value = browser.get("/devices").await.json().await.unwrap();
    let request = browser
        .request(Method::POST, &format!("/devices/{PHONE_WITH_FIND_MY_DEVICE}/find-my-device/off"))
        .json(&json!({ "password": "guess" }));
    let problem = assert_problem(
        browser.send(request).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert!(problem["fields"]["password"].is_string());
    // The session survives a mistyped password.
    let after: Value = browser.get("/devices").await.json().await.unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn another_accounts_device_is_404_and_stays_as_it_was() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    let sign_out = browser.request(Method::POST, &format!("/devices/{OWES_PHONE}/sign-out"));
    assert_problem(browser.send(sign_out).await, StatusCode::NOT_FOUND, "not_found").await;
    let off = browser
        .request(Method::POST, &format!("/devices/{OWES_PHONE}/find-my-device/off"))
        .json(&json!({ "password": seed::DEMO_PASSWORD }));
    assert_problem(browser.send(off).await, StatusCode::NOT_FOUND, "not_found").await;
    for unknown in ["nope", "dev-7f3a9c21%27%20OR%201=1"] {
        let request = browser.request(Method::POST, &format!("/devices/{unknown}/sign-out"));
        assert_problem(browser.send(request).await, StatusCode::NOT_FOUND, "not_found").await;
    }

    let mut owner = app.browser();
    owner.sign_in(seed::OWES_EMAIL, seed::DEMO_PASSWORD).await;
    let devices: Vec<Value> = owner.get("/devices").await.json().await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0]["signed_in"], true);
}

#[tokio::test]
async fn devices_need_a_session() {
    let app = spawn_app().await;
    let mut anonymous = app.browser();
    assert_problem(anonymous.get("/devices").await, StatusCode::UNAUTHORIZED, "unauthenticated")
        .await;
    let request = anonymous.request(Method::POST, &format!("/devices/{TABLET}/sign-out"));
    assert_problem(anonymous.send(request).await, StatusCode::UNAUTHORIZED, "unauthenticated")
        .await;
}
