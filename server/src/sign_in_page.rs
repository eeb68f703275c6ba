//! `/signin` outside the API. The page comes pre-rendered in the reader's language — the
//! language cookie the app keeps, else the first language the browser asks for, as the app
//! itself would choose — so its form shows, and works, before the app has started. A press in
//! that moment posts the form here as a plain HTML form: the same sign-in as the API's, then a
//! redirect onward, or back to the page with the reason and the login typed (kept for that
//! page in a short-lived cookie, never in an address). That page, and the one after signing
//! out, come pre-rendered saying so, as the app says it: without the app (scripts off, or
//! still loading) the person still reads why, and the app taking over moves nothing.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use axum::{
    Form, Router,
    extract::{
        DefaultBodyLimit, Query, Request, State,
        rejection::{FormRejection, QueryRejection},
    },
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use axum_extra::extract::{
    CookieJar,
    cookie::{Cookie, SameSite},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use farewell_api::{
    LANGUAGE_COOKIE, LANGUAGES, SIGNED_OUT_PARAM, SignInFailure, SignInRequest, after_sign_in,
    is_own_path, language_for,
};
use serde::Deserialize;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::{
    error::{AppError, AppResult},
    extract::ClientIp,
    routes::{BODY_LIMIT_BYTES, session::authenticate},
    security::is_form_from_our_pages,
    state::AppState,
};

/// The path of the page, which is also where its form posts to.
pub const PATH: &str = "/signin";

/// The page of `lang` (one of [`LANGUAGES`]) in `state` (see [`PageState::name`]) in the
/// built app: `signin.html` and `signin.invalid.html` in English, `signin.zh-CN.html` and
/// `signin.zh-CN.invalid.html` in Simplified Chinese.
pub fn page_file(lang: &str, state: Option<&str>) -> String {
    let lang = if lang == LANGUAGES[0] { String::new() } else { format!(".{lang}") };
    let state = state.map(|state| format!(".{state}")).unwrap_or_default();
    format!("signin{lang}{state}.html")
}

/// What the page says besides its form, as its query asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageState {
    /// A press before the app started came back (`?error=`, `?retry_after=` seconds).
    Returned(SignInFailure, Option<u64>),
    /// `?signed_out`: the person has just signed out.
    SignedOut,
}

impl PageState {
    /// The throttled page when the wait is one minute, which English says apart.
    const THROTTLED_ONE: &str = "throttled_one";

    /// Every state's name, and `None` for the page as first sent.
    fn names() -> impl Iterator<Item = Option<&'static str>> {
        let failures = SignInFailure::ALL.map(|failure| Some(failure.as_str()));
        let others = [Some(Self::THROTTLED_ONE), Some(SIGNED_OUT_PARAM)];
        [None].into_iter().chain(failures).chain(others)
    }

    /// The state in the page's file name (`cargo xtask prerender` writes one of each).
    fn name(self) -> &'static str {
        match self {
            Self::Returned(SignInFailure::Throttled, retry_after)
                if farewell_api::minutes_to_wait(retry_after) == 1 =>
            {
                Self::THROTTLED_ONE
            }
            Self::Returned(failure, _) => failure.as_str(),
            Self::SignedOut => SIGNED_OUT_PARAM,
        }
    }

    /// The state `query` asks for, as the app reads it: a failure first; `None` for the page
    /// as first sent (an unknown or malformed query included).
    fn asked(query: Option<&str>) -> Option<Self> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query?).unwrap_or_default();
        let value = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        if let Some(failure) = value(SignInFailure::PARAM).and_then(SignInFailure::parse) {
            let retry_after = value(SignInFailure::RETRY_AFTER_PARAM).and_then(|s| s.parse().ok());
            return Some(Self::Returned(failure, retry_after));
        }
        value(SIGNED_OUT_PARAM).map(|_| Self::SignedOut)
    }
}

/// The page and its form. A build without pages of its own for sign-in (the server's tests)
/// has `/signin` be the whole app's, like any other path.
pub fn router(dist: &Path) -> Router<AppState> {
    let pages = Pages::built_in(dist);
    let page = move |State(state): State<AppState>, jar: CookieJar, request: Request| {
        let pages = pages.clone();
        async move { answer_page(&state, &pages, jar, request).await }
    };
    // The form is as small as the API's bodies, and held to the same limit.
    Router::new().route(PATH, get(page).post(submit)).layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}

/// The sign-in pages the build made, by file name.
#[derive(Clone)]
struct Pages(Arc<Vec<String>>);

impl Pages {
    fn built_in(dist: &Path) -> Self {
        let files = LANGUAGES
            .into_iter()
            .flat_map(|lang| PageState::names().map(move |state| page_file(lang, state)))
            .filter(|file| dist.join(file).is_file());
        Self(Arc::new(files.collect()))
    }

    /// The page for `lang` in the state named `state`, and the state it shows: in the reader's
    /// language, else in English; a state without a page is the page as first sent (the app,
    /// once started, says the rest). `None` when the build has no pages of sign-in's own.
    fn choose(
        &self,
        lang: &'static str,
        state: Option<&'static str>,
    ) -> Option<(String, Option<&'static str>)> {
        [(lang, state), (LANGUAGES[0], state), (lang, None), (LANGUAGES[0], None)]
            .into_iter()
            .map(|(lang, state)| (page_file(lang, state), state))
            .find(|(file, _)| self.0.contains(file))
    }
}

/// `GET /signin`: the page in the reader's language and the state its query asks for, with
/// what only this answer says filled in.
async fn answer_page(
    state: &AppState,
    pages: &Pages,
    jar: CookieJar,
    request: Request,
) -> Response {
    let lang = reader_language(&jar, request.headers());
    let asked = PageState::asked(request.uri().query());
    let Some((file, shown)) = pages.choose(lang, asked.map(PageState::name)) else {
        return serve_page(state.config.dist_dir.join("index.html"), request).await;
    };
    let path = state.config.dist_dir.join(file);
    let retry_after = match asked {
        Some(PageState::Returned(SignInFailure::Throttled, retry_after))
            if shown == Some(SignInFailure::Throttled.as_str()) =>
        {
            Some(retry_after)
        }
        _ => None,
    };
    let typed = match asked {
        Some(PageState::Returned(..)) => typed_login(&jar),
        _ => None,
    };
    if typed.is_none() && retry_after.is_none() {
        return serve_page(path, request).await;
    }
    let page = filled_page(&path, retry_after, typed.as_deref()).await;
    match typed {
        // Said once: a reload does not fill it in again.
        Some(_) => (jar.remove(typed_login_cookie(String::new())), page).into_response(),
        None => page,
    }
}

async fn serve_page(file: PathBuf, request: Request) -> Response {
    let serve = ServeFile::new(file).precompressed_br().precompressed_gzip();
    let mut response = match serve.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(infallible) => match infallible {},
    };
    page_headers(&mut response);
    response
}

/// A page with what only this answer says filled in: the throttled page's minutes (its
/// pre-rendered screen says [`SignInFailure::PRERENDERED_MINUTES`] where they go; a wait of one
/// minute has a page of its own, as it is said apart), and the login typed into the press
/// that came back.
async fn filled_page(
    file: &Path,
    retry_after: Option<Option<u64>>,
    login: Option<&str>,
) -> Response {
    let mut page = match tokio::fs::read_to_string(file).await {
        Ok(page) => page,
        Err(error) => return AppError::Unexpected(error.into()).into_response(),
    };
    if let Some(retry_after) = retry_after {
        let minutes = format!(" {} ", farewell_api::minutes_to_wait(retry_after));
        page = page.replace(SignInFailure::PRERENDERED_MINUTES, &minutes);
    }
    if let Some(login) = login {
        let value = html_escape::encode_double_quoted_attribute(login);
        page = page.replacen(LOGIN_INPUT, &format!(r#"{LOGIN_INPUT} value="{value}""#), 1);
    }
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
    page_headers(&mut response);
    if login.is_some() {
        // It holds what the person typed: not for any cache to keep.
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Where the pre-rendered form's login field begins.
const LOGIN_INPUT: &str = r#"<input id="login""#;

/// The login typed into a press that came back, kept for the page it comes back to: the
/// answer is a redirect, and a login must not go into an address. Only this site's pages
/// send it (`SameSite=Strict`), scripts cannot read it, and it lasts the redirect's minute.
const TYPED_LOGIN_COOKIE: &str = "__Host-signin-login";
/// No one types a longer login (an email address is at most 254 characters), and the cookie
/// must stay far below a cookie's 4 KB.
const TYPED_LOGIN_MAX: usize = 320;

fn typed_login_cookie(encoded: String) -> Cookie<'static> {
    Cookie::build((TYPED_LOGIN_COOKIE, encoded))
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .path("/")
        .max_age(time::Duration::seconds(60))
        .build()
}

/// The cookie that keeps `login` for the page a press comes back to, if it is one to keep.
fn keep_typed_login(login: &str) -> Option<Cookie<'static>> {
    let login = login.trim();
    (!login.is_empty() && login.len() <= TYPED_LOGIN_MAX)
        .then(|| typed_login_cookie(URL_SAFE_NO_PAD.encode(login)))
}

/// The login a press that came back had typed, when this browser sent it along.
fn typed_login(jar: &CookieJar) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(jar.get(TYPED_LOGIN_COOKIE)?.value()).ok()?;
    String::from_utf8(bytes).ok().filter(|login| login.len() <= TYPED_LOGIN_MAX)
}

fn page_headers(response: &mut Response) {
    let headers = response.headers_mut();
    // Pages are not content-addressed like the assets: browsers must revalidate.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers
        .insert(header::VARY, HeaderValue::from_static("accept-encoding, cookie, accept-language"));
}

/// The cookie's language, else that of the first tag of `Accept-Language` (the browser's own
/// language, which is what the app reads), else English.
fn reader_language(jar: &CookieJar, headers: &HeaderMap) -> &'static str {
    let chosen = jar.get(LANGUAGE_COOKIE).and_then(|cookie| language_for(cookie.value()));
    let browser = || {
        let accepted = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
        let first = accepted.split(',').next()?.split(';').next()?;
        language_for(first)
    };
    chosen.or_else(browser).unwrap_or(LANGUAGES[0])
}

#[derive(Debug, Deserialize)]
struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

/// The page's query, which the form posts back to: `?next=` is where the person was heading.
/// (The page may carry more, such as `?error=` of an earlier attempt; none of it matters.)
#[derive(Debug, Deserialize)]
struct PageQuery {
    #[serde(default)]
    next: Option<String>,
}

async fn submit(
    State(state): State<AppState>,
    ClientIp(client_ip): ClientIp,
    headers: HeaderMap,
    jar: CookieJar,
    query: Result<Query<PageQuery>, QueryRejection>,
    form: Result<Form<SignInForm>, FormRejection>,
) -> AppResult<(CookieJar, Redirect)> {
    if !is_form_from_our_pages(&headers) {
        return Err(AppError::Csrf);
    }
    let bad = |status, detail| AppError::BadRequest { status, detail };
    let Query(query) = query.map_err(|r| bad(r.status(), r.body_text()))?;
    let Form(form) = form.map_err(|r| bad(r.status(), r.body_text()))?;
    let next = query.next.filter(|next| is_own_path(next));
    let kept = keep_typed_login(&form.login);
    let back = |failure, retry_after| {
        let jar = match kept.clone() {
            Some(cookie) => jar.clone().add(cookie),
            None => jar.clone(),
        };
        Ok((jar, Redirect::to(&again(failure, retry_after, next.as_deref()))))
    };
    if form.login.trim().is_empty() || form.password.is_empty() {
        return back(SignInFailure::Missing, None);
    }
    let request = SignInRequest { login: form.login.trim().to_owned(), password: form.password };
    match authenticate(&state, client_ip, request).await {
        Ok((_, cookie)) => Ok((jar.add(cookie), Redirect::to(after_sign_in(next.as_deref())))),
        Err(AppError::InvalidCredentials) => back(SignInFailure::Invalid, None),
        Err(AppError::TooManyRequests { retry_after, .. }) => {
            back(SignInFailure::Throttled, Some(retry_after))
        }
        Err(other) => Err(other),
    }
}

/// The page again, saying why (and after how many seconds to try again, when throttled), and
/// still heading where the person was.
fn again(failure: SignInFailure, retry_after: Option<u64>, next: Option<&str>) -> String {
    let retry_after = retry_after.map(|seconds| seconds.to_string());
    let query: Vec<(&str, &str)> = [(SignInFailure::PARAM, Some(failure.as_str()))]
        .into_iter()
        .chain([(SignInFailure::RETRY_AFTER_PARAM, retry_after.as_deref()), ("next", next)])
        .filter_map(|(name, value)| Some((name, value?)))
        .collect();
    let query = serde_urlencoded::to_string(&query).unwrap_or_default();
    format!("{PATH}?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn language(cookie: Option<&str>, accept: Option<&'static str>) -> &'static str {
        let mut headers = HeaderMap::new();
        if let Some(accept) = accept {
            headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(accept));
        }
        if let Some(cookie) = cookie {
            let value = format!("{LANGUAGE_COOKIE}={cookie}");
            headers.insert(header::COOKIE, HeaderValue::from_str(&value).unwrap());
        }
        reader_language(&CookieJar::from_headers(&headers), &headers)
    }

    #[test]
    fn the_page_is_in_the_chosen_language_else_the_browsers_first() {
        assert_eq!(language(Some("zh-CN"), Some("en-US,en;q=0.9")), "zh-CN");
        assert_eq!(language(Some("en"), Some("zh-CN,zh;q=0.9")), "en");
        assert_eq!(language(None, Some("zh-CN,zh;q=0.9,en;q=0.8")), "zh-CN");
        assert_eq!(language(None, Some("zh;q=0.9")), "zh-CN");
        // The app reads only the browser's first language, so the server does too.
        assert_eq!(language(None, Some("fr-FR,zh-CN;q=0.9")), "en");
        assert_eq!(language(Some("xx"), None), "en");
        assert_eq!(language(None, None), "en");
    }

    #[test]
    fn pages_are_named_by_language_and_state() {
        assert_eq!(page_file("en", None), "signin.html");
        assert_eq!(page_file("zh-CN", None), "signin.zh-CN.html");
        assert_eq!(page_file("en", Some("invalid")), "signin.invalid.html");
        assert_eq!(page_file("zh-CN", Some("signed_out")), "signin.zh-CN.signed_out.html");
    }

    #[test]
    fn the_query_asks_for_a_failure_first_then_signed_out() {
        use SignInFailure::*;
        let asked = PageState::asked;
        assert_eq!(asked(None), None);
        assert_eq!(asked(Some("next=%2Faccount")), None);
        assert_eq!(
            asked(Some("error=invalid&next=%2Faccount")),
            Some(PageState::Returned(Invalid, None))
        );
        assert_eq!(
            asked(Some("error=throttled&retry_after=90")),
            Some(PageState::Returned(Throttled, Some(90)))
        );
        assert_eq!(
            asked(Some("error=throttled&retry_after=soon")),
            Some(PageState::Returned(Throttled, None))
        );
        assert_eq!(asked(Some("signed_out=1")), Some(PageState::SignedOut));
        assert_eq!(asked(Some("signed_out")), Some(PageState::SignedOut));
        assert_eq!(
            asked(Some("signed_out&error=missing")),
            Some(PageState::Returned(Missing, None))
        );
        assert_eq!(asked(Some("error=unknown")), None);
        assert_eq!(asked(Some("error=%zz")), None, "a malformed query is the first page");
    }

    #[test]
    fn a_failure_returns_to_the_page_with_its_reason_and_the_way_onward() {
        assert_eq!(again(SignInFailure::Invalid, None, None), "/signin?error=invalid");
        assert_eq!(
            again(SignInFailure::Throttled, Some(90), Some("/account/close?step=2")),
            "/signin?error=throttled&retry_after=90&next=%2Faccount%2Fclose%3Fstep%3D2"
        );
        assert_eq!(again(SignInFailure::Missing, None, None), "/signin?error=missing");
    }
}
