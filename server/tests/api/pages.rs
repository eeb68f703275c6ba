//! The built app's pages: `/signin` has a small app of its own, pre-rendered in the reader's
//! language, and every other path the whole app, so a first visit to sign in loads only what
//! signing in needs.

use std::{fs, sync::Arc};

use reqwest::{StatusCode, header};

use crate::helpers::{TestApp, spawn_on};

const WHOLE_APP: &str = "<!DOCTYPE html><title>whole app</title>";
const SIGN_IN_APP: &str = "<!DOCTYPE html><title>sign-in app</title>";
const SIGN_IN_APP_ZH: &str = "<!DOCTYPE html><html lang=zh-CN><title>登录</title>";

/// A server whose `dist/` holds the whole app's page and, when `with_sign_in`, the sign-in's.
async fn serving(with_sign_in: bool) -> TestApp {
    let data = Arc::new(tempfile::tempdir().unwrap());
    let dist = data.path().join("dist");
    fs::create_dir_all(&dist).unwrap();
    fs::write(dist.join("index.html"), WHOLE_APP).unwrap();
    if with_sign_in {
        fs::write(dist.join("signin.html"), SIGN_IN_APP).unwrap();
        fs::write(dist.join("signin.zh-CN.html"), SIGN_IN_APP_ZH).unwrap();
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

/// `/signin` as a browser with these request headers gets it.
async fn sign_in_page_for(app: &TestApp, headers: &[(&'static str, &'static str)]) -> String {
    let mut request = app.http.get(format!("{}/signin", app.base));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let vary = response.headers()[header::VARY].to_str().unwrap();
    assert!(vary.contains("cookie") && vary.contains("accept-language"), "{vary}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_sign_in_page_comes_in_the_chosen_language_else_the_browsers() {
    let app = serving(true).await;
    let zh_browser = ("accept-language", "zh-CN,zh;q=0.9,en;q=0.8");
    assert_eq!(sign_in_page_for(&app, &[zh_browser]).await, SIGN_IN_APP_ZH);
    assert_eq!(sign_in_page_for(&app, &[("accept-language", "en-GB")]).await, SIGN_IN_APP);
    assert_eq!(sign_in_page_for(&app, &[]).await, SIGN_IN_APP);
    // A language chosen in the app (its cookie) wins over the browser's.
    assert_eq!(sign_in_page_for(&app, &[zh_browser, ("cookie", "lang=en")]).await, SIGN_IN_APP);
    let chose_zh = [("accept-language", "en-US"), ("cookie", "a=b; lang=zh-CN")];
    assert_eq!(sign_in_page_for(&app, &chose_zh).await, SIGN_IN_APP_ZH);
}

#[tokio::test]
async fn the_sign_in_page_comes_back_saying_why_as_pre_rendered_for_its_state() {
    let data = Arc::new(tempfile::tempdir().unwrap());
    let dist = data.path().join("dist");
    fs::create_dir_all(&dist).unwrap();
    let pages = [
        ("index.html", WHOLE_APP),
        ("signin.html", SIGN_IN_APP),
        ("signin.zh-CN.html", SIGN_IN_APP_ZH),
        ("signin.invalid.html", "<p>wrong pair</p>"),
        ("signin.zh-CN.invalid.html", "<p>不正确</p>"),
        ("signin.throttled.html", "<p>Try again in 999999 min. Asset: app-999999.js</p>"),
        ("signin.signed_out.html", "<p>You have signed out.</p>"),
        ("signin.throttled_one.html", "<p>Try again in 1 minute.</p>"),
    ];
    for (name, page) in pages {
        fs::write(dist.join(name), page).unwrap();
    }
    let app = spawn_on(data, &[]).await;
    assert_eq!(page(&app, "/signin?error=invalid&next=%2Faccount").await, "<p>wrong pair</p>");
    assert_eq!(page(&app, "/signin?signed_out=1").await, "<p>You have signed out.</p>");
    // The minutes are filled in, and only they.
    assert_eq!(
        page(&app, "/signin?error=throttled&retry_after=150").await,
        "<p>Try again in 3 min. Asset: app-999999.js</p>"
    );
    assert_eq!(
        page(&app, "/signin?error=throttled&retry_after=45").await,
        "<p>Try again in 1 minute.</p>"
    );
    assert_eq!(page(&app, "/signin?error=throttled").await, "<p>Try again in 1 minute.</p>");
    // In the reader's language; a state without a page of its own is the first page.
    let zh = app
        .http
        .get(format!("{}/signin?error=invalid", app.base))
        .header("cookie", "lang=zh-CN")
        .send()
        .await
        .unwrap();
    assert_eq!(zh.text().await.unwrap(), "<p>不正确</p>");
    assert_eq!(page(&app, "/signin?error=missing").await, SIGN_IN_APP);
    assert_eq!(page(&app, "/signin?error=nonsense").await, SIGN_IN_APP);
}

#[tokio::test]
async fn a_press_that_comes_back_keeps_its_login_for_that_page_once_and_escaped() {
    let data = Arc::new(tempfile::tempdir().unwrap());
    let dist = data.path().join("dist");
    fs::create_dir_all(&dist).unwrap();
    let form = r#"<form method="post"><input id="login" name="login"></form>"#;
    for name in ["index.html", "signin.html", "signin.invalid.html"] {
        fs::write(dist.join(name), form).unwrap();
    }
    let app = spawn_on(data, &[]).await;
    let login = r#"o'brien"><script>@example.com"#;
    let pressed = app
        .http
        .post(format!("{}/signin", app.base))
        .header(header::ORIGIN, &app.base)
        .form(&[("login", login), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(pressed.status(), StatusCode::SEE_OTHER);
    let kept = pressed
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-signin-login="))
        .expect("the login is kept for the page");
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=60"] {
        assert!(kept.contains(attribute), "{attribute} missing from {kept}");
    }
    assert!(!kept.contains("brien"), "not in plain text: {kept}");
    let cookie = kept.split(';').next().unwrap().to_owned();

    let get = |path: &str| {
        app.http.get(format!("{}{path}", app.base)).header(header::COOKIE, &cookie).send()
    };
    let back = get("/signin?error=invalid").await.unwrap();
    assert_eq!(back.headers()[header::CACHE_CONTROL], "no-store");
    let removal = back.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(removal.starts_with("__Host-signin-login=;") && removal.contains("Max-Age=0"));
    assert_eq!(
        back.text().await.unwrap(),
        r#"<form method="post"><input id="login" value="o'brien&quot;&gt;&lt;script&gt;@example.com" name="login"></form>"#
    );
    // Only the page that says a press came back fills it in.
    assert_eq!(get("/signin").await.unwrap().text().await.unwrap(), form);
}
