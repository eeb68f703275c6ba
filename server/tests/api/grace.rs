//! After the request: cancelling (signed in or by link), reminders, the purge and its receipt.

use base64::{Engine, engine::general_purpose::STANDARD};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use farewell_server::{grace, seed, workers::outbox::OutboxWorker};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp, assert_problem, spawn_app, spawn_app_with};

const EMAIL: &str = seed::DEMO_EMAIL;
const DAY: u64 = 86_400;

/// Closes the demo account through the real steps; returns the inventory it had.
async fn close_demo(app: &TestApp) -> Value {
    let mut browser = app.browser();
    browser.demo_ready_for_verification().await;
    let inventory: Value = browser.get("/inventory").await.json().await.unwrap();
    browser.verify_by_email().await;
    let confirm = browser.post_json("/deletion/confirm", json!({ "confirmation": EMAIL })).await;
    assert_eq!(confirm.status(), StatusCode::ACCEPTED);
    inventory
}

fn cancel_token(body: &str, base: &str) -> String {
    let start = body.find(&format!("{base}/cancel/")).expect("a cancel link");
    body[start..].split_whitespace().next().unwrap().rsplit('/').next().unwrap().to_owned()
}

async fn signed_in_demo(app: &TestApp) -> Browser<'_> {
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    browser
}

#[tokio::test]
async fn cancelling_while_signed_in_restores_every_category_exactly() {
    let app = spawn_app().await;
    let before = close_demo(&app).await;
    let mut browser = signed_in_demo(&app).await;
    let me: Value = browser.get("/me").await.json().await.unwrap();
    assert_eq!(me["state"], "pending_deletion");

    let request = browser.request(Method::DELETE, "/deletion");
    assert_eq!(browser.send(request).await.status(), StatusCode::NO_CONTENT);
    let me: Value = browser.get("/me").await.json().await.unwrap();
    assert_eq!(me["state"], "active");
    let after: Value = browser.get("/inventory").await.json().await.unwrap();
    assert_eq!(before, after);
    let state: Value = browser.get("/deletion").await.json().await.unwrap();
    assert_eq!(state["status"], "none");
    let mail = app.last_message_to(EMAIL).await;
    assert!(mail["subject"].as_str().unwrap().contains("staying"), "{mail}");

    // The old links are dead now.
    let confirmation = sqlx::query_scalar::<_, String>(
        "SELECT body FROM outbox WHERE subject LIKE '%will be closed%'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let token = cancel_token(&confirmation, &app.base);
    let anonymous = app.browser();
    let response =
        anonymous.request(Method::POST, &format!("/cancel/{token}")).send().await.unwrap();
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn during_the_grace_period_the_account_only_reads_cancels_and_signs_out() {
    let app = spawn_app().await;
    close_demo(&app).await;
    let mut browser = signed_in_demo(&app).await;
    let devices: Value = browser.get("/devices").await.json().await.unwrap();

    let off = json!({ "password": seed::DEMO_PASSWORD });
    let refused = [
        browser.post("/devices/dev-2b8e4d10/sign-out").await,
        browser.post_json("/devices/dev-7f3a9c21/find-my-device/off", off).await,
    ];
    for response in refused {
        assert_problem(response, StatusCode::CONFLICT, "account_pending_deletion").await;
    }
    for (path, body) in [
        ("/deletion/terms", json!({ "accepted": true })),
        (
            "/deletion/acknowledgements",
            json!({ "balance_forfeit": true, "purchases_erased": true, "no_backup": true }),
        ),
    ] {
        let response = browser.put_json(path, body).await;
        assert_problem(response, StatusCode::CONFLICT, "step_out_of_order").await;
    }
    assert_eq!(browser.get("/devices").await.json::<Value>().await.unwrap(), devices);
    let state: Value = browser.get("/deletion").await.json().await.unwrap();
    assert_eq!(state["status"], "pending_deletion");

    // Confirming again is a retry: the same request, not a second one.
    let again = browser.request(Method::POST, "/deletion/confirm");
    let again = again.json(&json!({ "confirmation": EMAIL })).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    assert_eq!(again.json::<Value>().await.unwrap()["reference"], state["reference"]);
    let request = browser.request(Method::DELETE, "/deletion");
    assert_eq!(browser.send(request).await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn the_email_link_cancels_once_without_signing_in() {
    let app = spawn_app().await;
    let before = close_demo(&app).await;
    let email = app.last_message_to(EMAIL).await;
    let token = cancel_token(email["body"].as_str().unwrap(), &app.base);
    let anonymous = app.browser();

    let preview: Value = app
        .http
        .get(app.url(&format!("/cancel/{token}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(preview["email_masked"], "d***@example.com");
    assert!(preview["scheduled_for"].is_string());

    let cancel = anonymous.request(Method::POST, &format!("/cancel/{token}")).send().await.unwrap();
    assert_eq!(cancel.status(), StatusCode::NO_CONTENT);
    let again = anonymous.request(Method::POST, &format!("/cancel/{token}")).send().await.unwrap();
    assert_problem(again, StatusCode::NOT_FOUND, "not_found").await;

    let mut browser = signed_in_demo(&app).await;
    let after: Value = browser.get("/inventory").await.json().await.unwrap();
    assert_eq!(before, after);
    let me: Value = browser.get("/me").await.json().await.unwrap();
    assert_eq!(me["state"], "active");
}

#[tokio::test]
async fn a_forged_or_malformed_link_says_so_and_changes_nothing() {
    let app = spawn_app().await;
    close_demo(&app).await;
    let anonymous = app.browser();
    for token in ["A".repeat(43), "short".to_owned(), "..%2F..%2Fetc".to_owned()] {
        let response =
            anonymous.request(Method::POST, &format!("/cancel/{token}")).send().await.unwrap();
        assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    let state: String = sqlx::query_scalar("SELECT state FROM accounts WHERE email = $1")
        .bind(EMAIL)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(state, "pending_deletion");
}

async fn reminders_sent(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE subject LIKE 'Reminder:%'")
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn reminders_go_out_a_week_and_a_day_before_and_never_twice() {
    let app = spawn_app_with(&[("FAREWELL_WORKERS", "0")]).await;
    close_demo(&app).await;
    let remind = || async { grace::send_reminders(&app.state).await.unwrap() };
    app.advance(23 * DAY - 60);
    remind().await;
    assert_eq!(reminders_sent(&app).await, 0, "not before 7 days ahead");
    app.advance(120);
    remind().await;
    remind().await;
    assert_eq!(reminders_sent(&app).await, 1, "the week reminder, once");
    let reminder = app.last_message_to(EMAIL).await;
    assert!(reminder["body"].as_str().unwrap().contains(&format!("{}/cancel/", app.base)));
    app.advance(6 * DAY - 120);
    remind().await;
    assert_eq!(reminders_sent(&app).await, 1, "not before 1 day ahead");
    app.advance(120);
    remind().await;
    remind().await;
    assert_eq!(reminders_sent(&app).await, 2, "the day reminder, once");

    // Each reminder's link cancels too.
    let token = cancel_token(app.last_message_to(EMAIL).await["body"].as_str().unwrap(), &app.base);
    let response =
        app.browser().request(Method::POST, &format!("/cancel/{token}")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn reminders_scale_with_a_short_grace_period() {
    let app = spawn_app_with(&[("FAREWELL_WORKERS", "0"), ("FAREWELL_GRACE", "300s")]).await;
    close_demo(&app).await;
    app.advance(300 - 69);
    grace::send_reminders(&app.state).await.unwrap();
    assert_eq!(reminders_sent(&app).await, 1, "7/30 of 300 s = 70 s ahead");
    app.advance(60);
    grace::send_reminders(&app.state).await.unwrap();
    assert_eq!(reminders_sent(&app).await, 2, "1/30 of 300 s = 10 s ahead");
}

#[tokio::test]
async fn nothing_is_purged_before_the_date() {
    let app = spawn_app_with(&[("FAREWELL_WORKERS", "0")]).await;
    let before = close_demo(&app).await;
    app.advance(30 * DAY - 5);
    assert_eq!(grace::purge_due(&app.state).await.unwrap().purged, 0);
    let mut browser = signed_in_demo(&app).await;
    let now: Value = browser.get("/inventory").await.json().await.unwrap();
    assert_eq!(before, now);
}

#[tokio::test]
async fn the_purge_erases_the_person_keeps_a_tombstone_and_sends_a_signed_receipt() {
    let app = spawn_app_with(&[("FAREWELL_WORKERS", "0")]).await;
    let before = close_demo(&app).await;
    let (id, name): (String, String) =
        sqlx::query_as("SELECT id, name FROM accounts WHERE email = $1")
            .bind(EMAIL)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    app.advance(30 * DAY + 1);
    assert_eq!(grace::purge_due(&app.state).await.unwrap().purged, 1);
    assert_eq!(grace::purge_due(&app.state).await.unwrap().purged, 0, "once");

    // The receipt, queued before the address is forgotten.
    let receipt_mail = app.last_message_to(EMAIL).await;
    let body = receipt_mail["body"].as_str().unwrap().to_owned();
    let json_start = body.find("{\"version\"").unwrap();
    let json_end = json_start + body[json_start..].find('\n').unwrap();
    let receipt_json = &body[json_start..json_end];
    let signature_b64 = body
        .split("Signature (Ed25519, base64): ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    let key: Value =
        app.http.get(app.url("/receipt-key")).send().await.unwrap().json().await.unwrap();
    assert_eq!(key["algorithm"], "Ed25519");
    let public: [u8; 32] =
        STANDARD.decode(key["public_key"].as_str().unwrap()).unwrap().try_into().unwrap();
    let signature: [u8; 64] = STANDARD.decode(signature_b64).unwrap().try_into().unwrap();
    VerifyingKey::from_bytes(&public)
        .unwrap()
        .verify(receipt_json.as_bytes(), &Signature::from_bytes(&signature))
        .expect("the receipt's signature verifies");
    let receipt: Value = serde_json::from_str(receipt_json).unwrap();
    let count = |category: &str| {
        receipt["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == category)
            .unwrap()["count"]
            .clone()
    };
    assert_eq!(count("cloud_photos"), before["photos"]);
    assert_eq!(count("contacts"), before["contacts"]);
    assert_eq!(count("notes"), before["notes"]);
    assert_eq!(count("messages"), before["messages"]);
    assert_eq!(count("device_links"), before["devices"]);
    assert_eq!(count("purchases"), before["purchases"]);
    assert_eq!(count("forum_posts"), before["forum_posts"]);
    assert_eq!(
        count("third_party_grants"),
        json!(before["third_party_apps"].as_array().unwrap().len())
    );
    assert_eq!(count("wallet_balance_usd_minor"), before["wallet"]["minor"]);

    // Delivered, then the receipt row forgets the address too.
    let outbox = OutboxWorker::new(
        app.state.db.clone(),
        app.state.writes.clone(),
        app.state.clock.clone(),
        app.state.outbox_wake.clone(),
        None,
    )
    .unwrap();
    outbox.deliver_due().await.unwrap();

    // Nothing anywhere still holds the email, the phone or the name.
    let secrets = [EMAIL, "+15550100", name.as_str()];
    // Every column of every table, and how to read it as bytes on this backend.
    let columns_sql = match crate::helpers::on_postgres() {
        true => {
            "SELECT CAST(table_name AS TEXT), CASE WHEN data_type = 'bytea' THEN '\"' || column_name || '\"'
                 ELSE 'convert_to(CAST(\"' || column_name || '\" AS TEXT), ''UTF8'')' END
             FROM information_schema.columns WHERE table_schema = 'public'"
        }
        false => {
            "SELECT t.name, 'CAST(\"' || c.name || '\" AS BLOB)'
             FROM sqlite_master t, pragma_table_info(t.name) c WHERE t.type = 'table'"
        }
    };
    let columns: Vec<(String, String)> =
        sqlx::query_as(columns_sql).fetch_all(&app.state.db).await.unwrap();
    assert!(columns.len() > 100, "only {} columns searched", columns.len());
    for (table, column) in columns {
        {
            let values: Vec<Option<Vec<u8>>> =
                sqlx::query_scalar(&format!("SELECT {column} FROM \"{table}\""))
                    .fetch_all(&app.state.db)
                    .await
                    .unwrap();
            for value in values.into_iter().flatten() {
                for secret in secrets {
                    assert!(
                        !value.windows(secret.len()).any(|w| w == secret.as_bytes()),
                        "{table}: {column} still holds {secret}"
                    );
                }
            }
        }
    }

    // The trail of what happened stays, linked to the tombstone instead of the account.
    let tombstone: i64 =
        sqlx::query_scalar("SELECT id FROM tombstones").fetch_one(&app.state.db).await.unwrap();
    let trail: Vec<(Option<String>, String, Option<String>)> =
        sqlx::query_as("SELECT account_id, event, client_ip FROM audit_log")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    let linked: Vec<&str> = trail
        .iter()
        .filter(|(account, ..)| account.as_deref() == Some(&format!("tombstone:{tombstone}")))
        .map(|(_, event, _)| event.as_str())
        .collect();
    assert!(linked.contains(&"sign_in") && linked.contains(&"deletion_requested"), "{trail:?}");
    assert!(trail.iter().all(|(account, ..)| account.as_deref() != Some(&id)), "{trail:?}");
    assert!(trail.iter().filter(|(a, ..)| a.is_some()).all(|(.., ip)| ip.is_none()), "{trail:?}");
    assert_eq!(trail.iter().filter(|(_, event, _)| event == "account_purged").count(), 1);

    // The old password fails, the address is free again, the posts are anonymous.
    let mut old = app.browser();
    assert_problem(
        old.sign_in(EMAIL, seed::DEMO_PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let mut fresh = app.browser();
    let created = fresh.post_json("/accounts", json!({ "email": EMAIL, "phone": seed::DEMO_PHONE, "password": "a new beginning", "name": "Mei" })).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let posts: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT author_name, account_id FROM forum_posts WHERE author_name = 'Former member'",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(posts.len() as u64, before["forum_posts"].as_u64().unwrap());
    assert!(posts.iter().all(|(_, account)| account.is_none()));
    let tombstones: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tombstones")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(tombstones, 1);
}
