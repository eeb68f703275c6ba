//! Steps 4–5: re-authentication, one-time codes and confirmation, rule by rule (SPEC §4).

use farewell_server::seed;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{DEMO_PHONE_E164, assert_problem, spawn_app};

const EMAIL: &str = seed::DEMO_EMAIL;

#[tokio::test]
async fn the_whole_request_ends_pending_with_a_reference_an_email_and_no_sessions() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    let mut other = app.browser();
    other.sign_in(seed::OWES_EMAIL, seed::DEMO_PASSWORD).await;
    let mut second_device = app.browser();
    second_device.sign_in_demo().await;

    browser.demo_ready_for_verification().await;
    assert_eq!(browser.reauth().await.status(), StatusCode::OK);
    assert_eq!(browser.send_code("email").await.status(), StatusCode::OK);
    let code = app.last_code_to(EMAIL).await;
    let verified: Value = browser.verify(&code).await.json().await.unwrap();
    assert_eq!(verified["next_step"], "confirm");

    let response = browser
        .post_json("/deletion/confirm", json!({ "confirmation": " Demo@Example.com " }))
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let confirmation: Value = response.json().await.unwrap();
    let reference = confirmation["reference"].as_str().unwrap();
    assert!(reference.starts_with("DEL-"), "{reference}");
    let requested = time::OffsetDateTime::parse(
        confirmation["requested_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let scheduled = time::OffsetDateTime::parse(
        confirmation["scheduled_for"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(scheduled - requested, time::Duration::days(30));

    // Every session of the account ended; other accounts' did not.
    assert_problem(browser.get("/me").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_problem(second_device.get("/me").await, StatusCode::UNAUTHORIZED, "unauthenticated")
        .await;
    assert_eq!(other.get("/me").await.status(), StatusCode::OK);

    // The confirmation email: reference, date, and a one-time cancel link for this request.
    let email = app.last_message_to(EMAIL).await;
    let body = email["body"].as_str().unwrap();
    assert!(body.contains(reference), "{body}");
    let link_start = body.find(&format!("{}/cancel/", app.base)).expect("a cancel link");
    let token = body[link_start..].split_whitespace().next().unwrap().rsplit('/').next().unwrap();
    assert_eq!(token.len(), 43);
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM cancel_tokens")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let decoded =
        base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, token).unwrap();
    assert_eq!(Sha256::digest(&decoded).to_vec(), stored, "the link's token is the stored one");

    // Signing in again shows the pending state.
    let mut later = app.browser();
    later.sign_in_demo().await;
    let state: Value = later.get("/deletion").await.json().await.unwrap();
    assert_eq!(state["status"], "pending_deletion");
    assert_eq!(state["reference"], reference);
}

#[tokio::test]
async fn confirming_twice_gives_the_same_reference() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    browser.verify_by_email().await;
    let confirm = json!({ "confirmation": "1876543210" });
    let cookie = browser.cookie.clone();
    let first: Value =
        browser.post_json("/deletion/confirm", confirm.clone()).await.json().await.unwrap();
    assert!(browser.cookie.is_none(), "the answer removes the session cookie");
    // The answer was lost: the browser retries with the cookie it still has.
    browser.cookie = cookie;
    let retry = browser.post_json("/deletion/confirm", confirm).await;
    assert_eq!(retry.status(), StatusCode::ACCEPTED);
    let second: Value = retry.json().await.unwrap();
    assert_eq!(first, second);
    // The old cookie still signs nobody in.
    assert_eq!(browser.get("/me").await.status(), StatusCode::UNAUTHORIZED);
    let emails: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE subject LIKE '%will be closed%'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(emails, 1, "one confirmation email");
}

#[tokio::test]
async fn confirm_without_a_verified_code_is_409_and_changes_nothing() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    browser.reauth().await;
    let response = browser.post_json("/deletion/confirm", json!({ "confirmation": EMAIL })).await;
    assert_problem(response, StatusCode::CONFLICT, "step_out_of_order").await;
    let state: Value = browser.get("/deletion").await.json().await.unwrap();
    assert_eq!(state["status"], "in_progress");
}

#[tokio::test]
async fn a_mistyped_confirmation_is_explained_and_changes_nothing() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    browser.verify_by_email().await;
    for typed in ["", "demo@example.co", "187654321", "owes@example.com", "1876543211"] {
        let response =
            browser.post_json("/deletion/confirm", json!({ "confirmation": typed })).await;
        let problem =
            assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "confirmation_mismatch")
                .await;
        assert!(problem["fields"]["confirmation"].is_string());
    }
    assert_eq!(browser.get("/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_code_expires_after_10_minutes() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    browser.reauth().await;
    browser.send_code("email").await;
    let code = app.last_code_to(EMAIL).await;
    app.advance(10 * 60 + 1);
    browser.reauth().await;
    assert_problem(browser.verify(&code).await, StatusCode::UNPROCESSABLE_ENTITY, "code_expired")
        .await;
}

#[tokio::test]
async fn a_code_works_once() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    browser.reauth().await;
    browser.send_code("email").await;
    let code = app.last_code_to(EMAIL).await;
    assert_eq!(browser.verify(&code).await.status(), StatusCode::OK);
    assert_problem(browser.verify(&code).await, StatusCode::UNPROCESSABLE_ENTITY, "code_expired")
        .await;
}

#[tokio::test]
async fn five_wrong_tries_use_a_code_up_and_say_how_many_are_left() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    browser.reauth().await;
    browser.send_code("email").await;
    let code = app.last_code_to(EMAIL).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let problem = assert_problem(
            browser.verify(wrong).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "code_invalid",
        )
        .await;
        assert_eq!(problem["remaining_attempts"], left);
    }
    assert_problem(browser.verify(&code).await, StatusCode::UNPROCESSABLE_ENTITY, "code_expired")
        .await;
}

#[tokio::test]
async fn a_new_code_waits_60_seconds_and_at_most_5_are_sent_an_hour() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    browser.reauth().await;
    assert_eq!(browser.send_code("email").await.status(), StatusCode::OK);
    let too_soon = browser.send_code("email").await;
    assert_eq!(too_soon.headers()["retry-after"], "60");
    let problem =
        assert_problem(too_soon, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    assert_eq!(problem["retry_after"], 60);
    for _ in 0..4 {
        app.advance(61);
        assert_eq!(browser.send_code("email").await.status(), StatusCode::OK);
    }
    app.advance(61);
    let sixth = browser.send_code("email").await;
    let problem = assert_problem(sixth, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
    assert!(problem["retry_after"].as_u64().unwrap() > 3_000, "{problem}");
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = $1")
        .bind(EMAIL)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(sent, 5);
}

#[tokio::test]
async fn a_code_for_another_channel_is_refused() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    browser.reauth().await;
    browser.send_code("email").await;
    let email_code = app.last_code_to(EMAIL).await;
    app.advance(61);
    assert_eq!(browser.send_code("phone").await.status(), StatusCode::OK);
    let sms_code = app.last_code_to(DEMO_PHONE_E164).await;
    if email_code != sms_code {
        assert_problem(
            browser.verify(&email_code).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "code_invalid",
        )
        .await;
    }
    let state: Value = browser.verify(&sms_code).await.json().await.unwrap();
    assert_eq!(state["verification"]["verified_channel"], "phone");
}

#[tokio::test]
async fn a_code_for_an_earlier_request_is_refused() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    browser.reauth().await;
    browser.send_code("email").await;
    let old_code = app.last_code_to(EMAIL).await;
    let request = browser.request(reqwest::Method::DELETE, "/deletion");
    assert_eq!(browser.send(request).await.status(), StatusCode::NO_CONTENT);

    assert_eq!(browser.post("/deletion").await.status(), StatusCode::OK);
    let ticks = json!({ "balance_forfeit": true, "purchases_erased": true, "no_backup": true });
    browser.put_json("/deletion/acknowledgements", ticks).await;
    browser.put_json("/deletion/terms", json!({ "accepted": true })).await;
    browser.reauth().await;
    assert_problem(
        browser.verify(&old_code).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "code_expired",
    )
    .await;
}

#[tokio::test]
async fn a_hundred_wrong_codes_lock_verification_for_an_hour_across_resends() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    let mut failures = 0;
    let mut last = StatusCode::OK;
    while failures < 100 {
        browser.reauth().await;
        assert_eq!(browser.send_code("email").await.status(), StatusCode::OK, "after {failures}");
        let code = app.last_code_to(EMAIL).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..5 {
            last = browser.verify(wrong).await.status();
            failures += 1;
        }
        // Thirteen minutes: past the resend wait, within five sends an hour.
        app.advance(13 * 60);
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "the 100th failure locks");

    // A fresh code, even the right one, is refused until the hour is over.
    browser.reauth().await;
    browser.send_code("email").await;
    let code = app.last_code_to(EMAIL).await;
    let locked =
        assert_problem(browser.verify(&code).await, StatusCode::TOO_MANY_REQUESTS, "code_locked")
            .await;
    assert!(locked["retry_after"].as_u64().unwrap() > 2_000, "{locked}");
    app.advance(25 * 60);
    assert_eq!(browser.get("/me").await.status(), StatusCode::OK);
    app.advance(25 * 60);
    browser.reauth().await;
    browser.send_code("email").await;
    let code = app.last_code_to(EMAIL).await;
    assert_eq!(browser.verify(&code).await.status(), StatusCode::OK, "the lock lifted");
}

#[tokio::test]
async fn a_password_check_older_than_10_minutes_must_be_repeated() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    let early = browser.send_code("email").await;
    let problem = assert_problem(early, StatusCode::CONFLICT, "step_out_of_order").await;
    assert_eq!(problem["unmet"], json!(["reauth"]));
    browser.reauth().await;
    browser.send_code("email").await;
    browser.verify(&app.last_code_to(EMAIL).await).await;
    app.advance(10 * 60 + 1);
    let state: Value = browser.get("/deletion").await.json().await.unwrap();
    assert_eq!(state["next_step"], "verify");
    let late = browser.post_json("/deletion/confirm", json!({ "confirmation": EMAIL })).await;
    assert_problem(late, StatusCode::CONFLICT, "step_out_of_order").await;
    browser.reauth().await;
    let on_time = browser.post_json("/deletion/confirm", json!({ "confirmation": EMAIL })).await;
    assert_eq!(on_time.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn re_authenticating_issues_a_new_session_token_and_ends_the_old_one() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    let old = browser.cookie.clone();
    let wrong = browser.post_json("/deletion/reauth", json!({ "password": "guess" })).await;
    assert_problem(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(browser.cookie, old, "a wrong password rotates nothing");
    assert_eq!(browser.reauth().await.status(), StatusCode::OK);
    assert_ne!(browser.cookie, old);
    assert_eq!(browser.get("/me").await.status(), StatusCode::OK);
    let mut thief = app.browser();
    thief.cookie = old;
    assert_eq!(thief.get("/me").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn codes_are_stored_as_keyed_hashes_and_sent_in_the_accounts_language() {
    let app = spawn_app().await;
    sqlx::query("UPDATE accounts SET language = 'zh-CN' WHERE email = $1")
        .bind(EMAIL)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    browser.reauth().await;
    browser.send_code("email").await;
    let message = app.last_message_to(EMAIL).await;
    assert!(message["subject"].as_str().unwrap().contains("验证码"), "{message}");
    let code = app.last_code_to(EMAIL).await;
    let (hash,): (Vec<u8>,) = sqlx::query_as("SELECT code_hash FROM verification_codes")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(hash.len(), 32);
    assert!(!hash.windows(6).any(|w| w == code.as_bytes()));
    assert_ne!(hash, Sha256::digest(code.as_bytes()).to_vec(), "not a plain hash");
}

#[tokio::test]
async fn verification_steps_refuse_to_run_before_the_terms() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    browser.post("/deletion").await;
    for (path, body) in [
        ("/deletion/reauth", json!({ "password": seed::DEMO_PASSWORD })),
        ("/deletion/code", json!({ "channel": "email" })),
        ("/deletion/code/verify", json!({ "code": "123456" })),
        ("/deletion/confirm", json!({ "confirmation": EMAIL })),
    ] {
        let response = browser.post_json(path, body).await;
        assert_problem(response, StatusCode::CONFLICT, "step_out_of_order").await;
    }
    let outbox: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(&app.state.db).await.unwrap();
    assert_eq!(outbox, 0);
}
