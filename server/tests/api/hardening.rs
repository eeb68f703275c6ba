//! Bad input and cross-site requests: a clear 4xx problem document, and nothing changes.

use farewell_server::seed;
use reqwest::{Method, StatusCode, header};
use serde_json::json;

use sqlx::Connection;

use crate::helpers::{assert_problem, spawn_app, spawn_app_with};

async fn session_count(app: &crate::helpers::TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&app.state.db).await.unwrap()
}

#[tokio::test]
async fn a_request_without_the_csrf_header_is_403_and_signs_nobody_in() {
    let app = spawn_app().await;
    let response = app
        .http
        .post(app.url("/session"))
        .json(&json!({ "login": seed::DEMO_EMAIL, "password": seed::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::FORBIDDEN, "csrf").await;
    assert_eq!(session_count(&app).await, 0);
}

#[tokio::test]
async fn a_request_from_a_foreign_origin_is_403() {
    let app = spawn_app().await;
    let browser = app.browser();
    let request = browser
        .request(Method::POST, "/session")
        .header(header::ORIGIN, "https://evil.example")
        .json(&json!({ "login": seed::DEMO_EMAIL, "password": seed::DEMO_PASSWORD }));
    assert_problem(request.send().await.unwrap(), StatusCode::FORBIDDEN, "csrf").await;
    assert_eq!(session_count(&app).await, 0);
}

#[tokio::test]
async fn bad_json_unknown_fields_and_wrong_types_are_4xx_problems() {
    let app = spawn_app().await;
    let browser = app.browser();
    let bodies = [
        ("{not json", "bad_request"),
        (r#"{"login":"demo@example.com","password":"farewell-demo","admin":true}"#, "bad_request"),
        (r#"{"login":"demo@example.com"}"#, "bad_request"),
        (r#"{"login":12345678901234567890123,"password":"x"}"#, "bad_request"),
        ("[]", "bad_request"),
    ];
    for (body, code) in bodies {
        let response = browser
            .request(Method::POST, "/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{body}: {}", response.status());
        let status = response.status();
        assert_problem(response, status, code).await;
    }
    let bad_utf8 = browser
        .request(Method::POST, "/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(b"{\"login\":\"\xff\xfe\",\"password\":\"x\"}".to_vec())
        .send()
        .await
        .unwrap();
    assert_problem(bad_utf8, StatusCode::BAD_REQUEST, "bad_request").await;
    assert_eq!(session_count(&app).await, 0);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let response = app
        .browser()
        .request(Method::POST, "/session")
        .header(header::CONTENT_TYPE, "text/plain")
        .body("login=demo")
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;
}

#[tokio::test]
async fn a_2_mb_body_is_413_and_changes_nothing() {
    let app = spawn_app().await;
    let password = "x".repeat(2 * 1024 * 1024);
    let response = app
        .browser()
        .request(Method::POST, "/session")
        .json(&json!({ "login": seed::DEMO_EMAIL, "password": password }))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(session_count(&app).await, 0);
}

#[tokio::test]
async fn unknown_api_paths_and_methods_are_problem_documents() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    assert_problem(browser.get("/nope").await, StatusCode::NOT_FOUND, "not_found").await;
    let put = browser.request(Method::PUT, "/me");
    let response = browser.send(put).await;
    assert_problem(response, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/api/v1/health", "/api/v1/me", "/account"] {
        let response = app.http.get(format!("{}{path}", app.base)).send().await.unwrap();
        let headers = response.headers();
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{path}");
    }
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    assert_eq!(browser.get("/health").await.status(), StatusCode::OK);
    assert_eq!(browser.get("/ready").await.status(), StatusCode::OK);
}

/// A request whose client hangs up while its write transaction begins must not leave a
/// connection inside that transaction: writes made on it later would stay uncommitted,
/// invisible to everyone else, until something happened to commit them.
#[tokio::test]
async fn writes_after_cancelled_transactions_are_committed() {
    let app = spawn_app_with(&[("FAREWELL_WORKERS", "0")]).await;
    let (db, writes) = (&app.state.db, &app.state.writes);
    for n in 0..40 {
        {
            // Polled once, as far as sending BEGIN, then dropped with its request.
            let begin = std::pin::pin!(writes.begin(db));
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            let _ = std::future::Future::poll(begin, &mut cx);
        }
        tokio::task::yield_now().await;
        let mut connection = writes.connection(db).await.unwrap();
        sqlx::query("INSERT INTO throttle (key, window_start, count) VALUES ($1, 0, 1)")
            .bind(format!("cancelled-{n}"))
            .execute(&mut *connection)
            .await
            .unwrap();
    }
    // Read from a connection of its own, which sees only what was committed.
    let mut fresh = sqlx::AnyConnection::connect(&app.state.config.database_url).await.unwrap();
    let committed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM throttle WHERE key LIKE 'cancelled-%'")
            .fetch_one(&mut fresh)
            .await
            .unwrap();
    assert_eq!(committed, 40, "every write after a cancelled BEGIN was committed");
}
