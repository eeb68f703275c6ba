//! `spawn_app()`: a real server with the demo accounts, and a client that keeps its cookie.

use farewell_server::{config::Config, seed, startup::Application, state::AppState};
use reqwest::{Method, Response, StatusCode, header};
use serde_json::{Value, json};
use std::sync::Arc;

use sqlx::Connection;
use tempfile::TempDir;

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    pub data: Arc<TempDir>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// A server with extra settings, e.g. `("FAREWELL_WORKERS", "0")` to run workers by hand.
pub async fn spawn_app_with(settings: &[(&str, &str)]) -> TestApp {
    spawn_on(Arc::new(tempfile::tempdir().unwrap()), settings).await
}

/// A server on the database in `data` (another replica when one already runs there).
pub async fn spawn_on(data: Arc<TempDir>, settings: &[(&str, &str)]) -> TestApp {
    let database_url = database_url(&data).await;
    let config = Config::from_lookup(|name| {
        if let Some((_, value)) = settings.iter().find(|(key, _)| *key == name) {
            return Some((*value).to_owned());
        }
        match name {
            "PORT" => Some("0".into()),
            "DATABASE_URL" => Some(database_url.clone()),
            "FAREWELL_DEV" => Some("1".into()),
            "FAREWELL_DIST" => Some(data.path().join("dist").display().to_string()),
            "FAREWELL_EXPORT_DIR" => Some(data.path().join("exports").display().to_string()),
            _ => None,
        }
    })
    .unwrap();
    let app = Application::build(config).await.unwrap();
    let base = format!("http://{}", app.address());
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        state,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        data,
    }
}

/// Where the server under test keeps its data: a SQLite file in `data`, or, when
/// `FAREWELL_TEST_POSTGRES` names a PostgreSQL server (`postgres://user@host:port`), a database
/// of its own there, named after `data` so another replica on the same `data` shares it.
pub async fn database_url(data: &TempDir) -> String {
    let Ok(server) = std::env::var("FAREWELL_TEST_POSTGRES") else {
        return format!("sqlite://{}/farewell.db", data.path().display());
    };
    let name: String = data
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let name = format!("farewell_{name}");
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(&format!("{server}/postgres")).await.unwrap();
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&mut admin)
        .await
        .unwrap();
    if exists.is_none() {
        sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&mut admin).await.unwrap();
    }
    format!("{server}/{name}")
}

/// A browser-like client: it sends our CSRF header and keeps the session cookie it was given.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
}

impl TestApp {
    pub fn browser(&self) -> Browser<'_> {
        Browser { app: self, cookie: None }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }
}

impl Browser<'_> {
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self
            .app
            .http
            .request(method, self.app.url(path))
            .header("X-Requested-With", "farewell");
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request
    }

    /// Sends, and keeps or drops the session cookie as the answer says, like a browser.
    pub async fn send(&mut self, request: reqwest::RequestBuilder) -> Response {
        let response = request.send().await.unwrap();
        if let Some(value) = session_cookie(&response) {
            self.cookie = (value != "__Host-session=").then_some(value);
        }
        response
    }

    pub async fn sign_in(&mut self, login: &str, password: &str) -> Response {
        let request = self
            .request(Method::POST, "/session")
            .json(&json!({ "login": login, "password": password }));
        self.send(request).await
    }

    pub async fn sign_in_demo(&mut self) {
        let response = self.sign_in(seed::DEMO_EMAIL, seed::DEMO_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    pub async fn get(&mut self, path: &str) -> Response {
        let request = self.request(Method::GET, path);
        self.send(request).await
    }
}

/// `name=value` of the `__Host-session` cookie a response sets, if it sets a live one.
pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

/// Asserts an RFC 9457 problem document with `status` and `code`, and returns it.
pub async fn assert_problem(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(body["title"].is_string());
    body
}

impl Browser<'_> {
    pub async fn post_json(&mut self, path: &str, body: Value) -> Response {
        let request = self.request(Method::POST, path).json(&body);
        self.send(request).await
    }

    pub async fn put_json(&mut self, path: &str, body: Value) -> Response {
        let request = self.request(Method::PUT, path).json(&body);
        self.send(request).await
    }

    pub async fn post(&mut self, path: &str) -> Response {
        let request = self.request(Method::POST, path);
        self.send(request).await
    }

    /// Takes the demo account through steps 1–3: every gate fixed, ticks given, terms accepted.
    pub async fn demo_ready_for_verification(&mut self) {
        self.sign_in_demo().await;
        assert_eq!(self.post("/deletion").await.status(), StatusCode::OK);
        let off = json!({ "password": seed::DEMO_PASSWORD });
        let response = self.post_json("/devices/dev-7f3a9c21/find-my-device/off", off).await;
        assert_eq!(response.status(), StatusCode::OK);
        for device in ["dev-7f3a9c21", "dev-2b8e4d10", "dev-c5d61e77"] {
            let response = self.post(&format!("/devices/{device}/sign-out")).await;
            assert_eq!(response.status(), StatusCode::OK);
        }
        let ticks = json!({ "balance_forfeit": true, "purchases_erased": true, "no_backup": true });
        assert_eq!(
            self.put_json("/deletion/acknowledgements", ticks).await.status(),
            StatusCode::OK
        );
        let terms = self.put_json("/deletion/terms", json!({ "accepted": true })).await;
        assert_eq!(terms.status(), StatusCode::OK);
    }

    pub async fn reauth(&mut self) -> Response {
        self.post_json("/deletion/reauth", json!({ "password": seed::DEMO_PASSWORD })).await
    }

    pub async fn send_code(&mut self, channel: &str) -> Response {
        self.post_json("/deletion/code", json!({ "channel": channel })).await
    }

    /// Step 4 done the usual way: password again, a code by email, the code verified.
    pub async fn verify_by_email(&mut self) {
        assert_eq!(self.reauth().await.status(), StatusCode::OK);
        assert_eq!(self.send_code("email").await.status(), StatusCode::OK);
        let code = self.app.last_code_to(seed::DEMO_EMAIL).await;
        assert_eq!(self.verify(&code).await.status(), StatusCode::OK);
    }

    /// Requests an archive and waits for the worker to finish it; returns its status.
    pub async fn ready_export(&mut self) -> Value {
        let queued = self.post("/export").await;
        assert_eq!(queued.status(), StatusCode::ACCEPTED);
        for _ in 0..300 {
            let status: Value = self.get("/export").await.json().await.unwrap();
            match status["state"].as_str().unwrap() {
                "ready" => return status,
                "failed" => panic!("export failed: {status}"),
                _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            }
        }
        panic!("export never finished");
    }

    pub async fn verify(&mut self, code: &str) -> Response {
        self.post_json("/deletion/code/verify", json!({ "code": code })).await
    }
}

impl TestApp {
    /// The newest message sent to `to`, read from the dev outbox as a person would.
    pub async fn last_message_to(&self, to: &str) -> Value {
        let messages: Vec<Value> = self
            .http
            .get(self.url("/dev/outbox"))
            .query(&[("to", to)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        messages.into_iter().next().unwrap_or_else(|| panic!("no message to {to}"))
    }

    /// The six-digit code in the newest message to `to`.
    pub async fn last_code_to(&self, to: &str) -> String {
        let body = self.last_message_to(to).await["body"].as_str().unwrap().to_owned();
        six_digits(&body).unwrap_or_else(|| panic!("no code in {body}"))
    }

    pub fn advance(&self, seconds: u64) {
        self.state.clock.advance(std::time::Duration::from_secs(seconds));
    }
}

fn six_digits(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(5)).find_map(|i| {
        let window = &bytes[i..i + 6];
        let bounded = (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes.get(i + 6).is_none_or(|b| !b.is_ascii_digit());
        (bounded && window.iter().all(u8::is_ascii_digit))
            .then(|| String::from_utf8(window.to_vec()).unwrap())
    })
}

pub const DEMO_PHONE_E164: &str = "+15550100";

/// Whether this run's servers use PostgreSQL (see [`database_url`]).
pub fn on_postgres() -> bool {
    std::env::var_os("FAREWELL_TEST_POSTGRES").is_some()
}
