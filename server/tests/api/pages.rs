//! The built app's pages: `/signin` has a small app of its own, every other path the whole
//! app, so a first visit to sign in loads only what signing in needs.

use std::{fs, sync::Arc};

use reqwest::{StatusCode, header};

use crate::helpers::{TestApp, spawn_on};

const WHOLE_APP: &str = "<!DOCTYPE html><title>whole app</title>";
const SIGN_IN_APP: &str = "<!DOCTYPE html><title>sign-in app</title>";

/// A server whose `dist/` holds the whole app's page and, when `with_sign_in`, the sign-in's.
async fn serving(with_sign_in: bool) -> TestApp {
    let data = Arc::new(tempfile::tempdir().unwrap());
    let dist = data.path().join("dist");
    fs::create_dir_all(&dist).unwrap();
    fs::write(dist.join("index.html"), WHOLE_APP).unwrap();
    if with_sign_in {
        fs::write(dist.join("signin.html"), SIGN_IN_APP).unwrap();
    }
    spawn_on(data, &[]).await
}

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.http.get(format!("{}{path}", app.base)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn sign_in_loads_its_own_small_app_and_every_other_page_the_whole_app() {
    let app = serving(true).await;
    assert_eq!(page(&app, "/signin").await, SIGN_IN_APP);
    assert_eq!(page(&app, "/signin?next=%2Faccount%2Fclose").await, SIGN_IN_APP);
    for path in ["/", "/account", "/account/close", "/signout", "/signin/other", "/cancel/x"] {
        assert_eq!(page(&app, path).await, WHOLE_APP, "{path}");
    }
}

#[tokio::test]
async fn without_a_sign_in_app_sign_in_is_a_page_of_the_whole_app() {
    let app = serving(false).await;
    assert_eq!(page(&app, "/signin").await, WHOLE_APP);
}
