//! The audit trail as an operator reads it: every security event, never a secret.

use std::process::Command;

use farewell_server::seed;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

#[tokio::test]
async fn operators_read_sign_ins_failures_and_deletion_steps_without_secrets() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    let wrong = browser.sign_in(seed::DEMO_EMAIL, "not-the-password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    browser.demo_ready_for_verification().await;
    browser.verify_by_email().await;
    let code = app.last_code_to(seed::DEMO_EMAIL).await;
    let confirm =
        browser.post_json("/deletion/confirm", json!({ "confirmation": seed::DEMO_EMAIL })).await;
    assert_eq!(confirm.status(), StatusCode::ACCEPTED);

    let output = Command::new(env!("CARGO_BIN_EXE_farewell-server"))
        .args(["audit", "--since", "1h"])
        .env("DATABASE_URL", crate::helpers::database_url(&app.data).await)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let entries: Vec<Value> =
        text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let events: Vec<&str> = entries.iter().map(|e| e["event"].as_str().unwrap()).collect();
    for expected in [
        "sign_in_failed",
        "sign_in",
        "deletion_started",
        "find_my_device_off",
        "device_signed_out",
        "deletion_terms_accepted",
        "reauthenticated",
        "code_sent",
        "code_verified",
        "deletion_requested",
    ] {
        assert!(events.contains(&expected), "{expected} missing from {events:?}");
    }
    let failed = entries.iter().find(|e| e["event"] == "sign_in_failed").unwrap();
    assert_eq!(failed["account_id"], "1876543210");
    assert_eq!(failed["client_ip"], "127.0.0.1");
    assert!(failed["at"].as_str().unwrap().ends_with('Z'), "{failed}");
    for secret in [seed::DEMO_PASSWORD, "not-the-password", code.as_str()] {
        assert!(!text.contains(secret), "the trail holds a secret: {secret}");
    }
    assert!(!text.contains("__Host-session"), "{text}");
}
