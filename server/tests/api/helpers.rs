//! `spawn_app()`: a real server with the demo accounts, and a client that keeps its cookie.

use farewell_server::{config::Config, seed, startup::Application, state::AppState};
use reqwest::{Method, Response, StatusCode, header};
use serde_json::{Value, json};
use tempfile::TempDir;

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    _data: TempDir,
}

pub async fn spawn_app() -> TestApp {
    let data = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}/farewell.db", data.path().display());
    let config = Config::from_lookup(|name| match name {
        "PORT" => Some("0".into()),
        "DATABASE_URL" => Some(database_url.clone()),
        "FAREWELL_DEV" => Some("1".into()),
        "FAREWELL_DIST" => Some(data.path().join("dist").display().to_string()),
        _ => None,
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
        _data: data,
    }
}

/// A browser-like client: it sends our CSRF header and keeps the session cookie it was given.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
}

impl TestApp {
    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookie: None,
        }
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

    /// Sends and remembers a session cookie that the answer sets.
    pub async fn send(&mut self, request: reqwest::RequestBuilder) -> Response {
        let response = request.send().await.unwrap();
        if let Some(value) = session_cookie(&response) {
            self.cookie = Some(value);
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
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(body["title"].is_string());
    body
}
