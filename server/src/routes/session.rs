//! Signing in and out.
//!
//! Sign-in answers every wrong pair — wrong password, unknown account, malformed login — with
//! the same `401` body after the same amount of hashing work, so it cannot be used to find out
//! who has an account.

use std::net::IpAddr;

use axum::{Json, extract::State, http::StatusCode};
use axum_extra::extract::{
    CookieJar,
    cookie::{Cookie, SameSite},
};
use farewell_api::{Me, ProblemCode, SessionStatus, SignInRequest};

use crate::{
    domain::{AccountId, Login, SecretToken},
    error::{AppError, AppResult},
    extract::{AppJson, ClientIp, CurrentSession, SESSION_COOKIE},
    openapi::Refusals,
    routes::me::personal_info,
    state::AppState,
    store::{self, accounts::AccountRow, audit::Event, sessions::ABSOLUTE_TIMEOUT_SECS},
};

/// Sign-in failures allowed per login (email or phone as typed, normalized) per window...
const FAILURES_PER_LOGIN: i64 = 10;
/// ...and per client address, which may be many people behind one NAT.
const FAILURES_PER_ADDRESS: i64 = 50;
const WINDOW_SECS: i64 = 15 * 60;

#[utoipa::path(
    post,
    path = "/session",
    tag = "session",
    request_body = SignInRequest,
    responses(
        (status = 200, body = Me, description = "Signed in; sets the session cookie."),
        Refusals,
    ),
)]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client_ip): ClientIp,
    jar: CookieJar,
    AppJson(request): AppJson<SignInRequest>,
) -> AppResult<(CookieJar, Json<Me>)> {
    let (account, cookie) = authenticate(&state, client_ip, request).await?;
    Ok((jar.add(cookie), Json(personal_info(&account)?)))
}

/// Checks a login and password and starts a session: the account and its session cookie.
/// Both ways in share it — the app's JSON request and the sign-in page's plain form — so
/// both are throttled, audited and answered alike.
pub async fn authenticate(
    state: &AppState,
    client_ip: IpAddr,
    request: SignInRequest,
) -> AppResult<(AccountRow, Cookie<'static>)> {
    let client_ip = client_ip.to_string();
    let login = Login::parse(&request.login);
    // Keyed by what was typed, not by the account: unknown logins throttle exactly like known
    // ones, so throttling cannot tell anyone whether an account exists.
    let login_key = format!(
        "signin:login:{}",
        login.as_ref().map_or_else(|| request.login.trim().to_lowercase(), Login::key)
    );
    let address_key = format!("signin:ip:{client_ip}");
    let now = state.clock.unix();
    for (key, limit) in [(&login_key, FAILURES_PER_LOGIN), (&address_key, FAILURES_PER_ADDRESS)] {
        if let Some(wait) =
            store::throttle::blocked_for(&state.db, key, now, WINDOW_SECS, limit).await?
        {
            let mut db = state.write_connection().await?;
            store::audit::record(&mut *db, now, None, Event::SignInThrottled, Some(&client_ip))
                .await?;
            return Err(AppError::TooManyRequests {
                code: ProblemCode::TooManyRequests,
                retry_after: wait.max(1) as u64,
            });
        }
    }
    let account = match &login {
        Some(login) => store::accounts::find_by_login(&state.db, login).await?,
        None => None,
    };
    let verified = state
        .passwords
        .verify(account.as_ref().map(|a| a.password_hash.clone()), request.password)
        .await?;
    let account = match account {
        Some(account) if verified => account,
        other => {
            let id = other.and_then(|a| AccountId::parse(&a.id));
            let mut tx = state.begin_write().await?;
            for key in [&login_key, &address_key] {
                store::throttle::hit(&mut *tx, key, now, WINDOW_SECS).await?;
            }
            let event = Event::SignInFailed;
            store::audit::record(&mut *tx, now, id.as_ref(), event, Some(&client_ip)).await?;
            tx.commit().await?;
            return Err(AppError::InvalidCredentials);
        }
    };

    let account_id = AccountId::parse(&account.id)
        .ok_or_else(|| anyhow::anyhow!("stored account id is invalid"))?;
    let token = SecretToken::generate();
    let mut tx = state.begin_write().await?;
    store::throttle::clear(&mut *tx, &login_key).await?;
    store::sessions::insert(&mut *tx, &token.hash(), &account_id, now).await?;
    store::audit::record(&mut *tx, now, Some(&account_id), Event::SignIn, Some(&client_ip)).await?;
    tx.commit().await?;
    Ok((account, session_cookie(token.encode())))
}

/// Who this browser is signed in as. Without a live session the answer is `me: null`, not a
/// 401: the app asks on every load, signed in or not.
#[utoipa::path(
    get,
    path = "/session",
    tag = "session",
    responses((status = 200, body = SessionStatus), Refusals),
    security((), ("session" = [])),
)]
pub async fn status(session: Option<CurrentSession>) -> AppResult<Json<SessionStatus>> {
    let me = session.map(|session| personal_info(&session.account)).transpose()?;
    Ok(Json(SessionStatus { me }))
}

/// Signs this browser out. Without a live session there is nothing to end, which is fine.
#[utoipa::path(
    delete,
    path = "/session",
    tag = "session",
    responses((status = 204, description = "This browser is signed out."), Refusals),
    security((), ("session" = [])),
)]
pub async fn sign_out(
    State(state): State<AppState>,
    session: Option<CurrentSession>,
    jar: CookieJar,
) -> AppResult<(CookieJar, StatusCode)> {
    if let Some(session) = session {
        let mut tx = state.begin_write().await?;
        store::sessions::delete(&mut *tx, &session.token_hash).await?;
        let now = state.clock.unix();
        store::audit::record(&mut *tx, now, Some(&session.account_id), Event::SignOut, None)
            .await?;
        tx.commit().await?;
    }
    Ok((jar.add(expired_session_cookie()), StatusCode::NO_CONTENT))
}

/// Ends every session of the account, this one included.
#[utoipa::path(
    delete,
    path = "/sessions",
    tag = "session",
    responses(
        (status = 204, description = "Every session of the account has ended."),
        Refusals,
    ),
    security(("session" = [])),
)]
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    session: CurrentSession,
    jar: CookieJar,
) -> AppResult<(CookieJar, StatusCode)> {
    let account = &session.account_id;
    let mut tx = state.begin_write().await?;
    store::sessions::delete_all(&mut *tx, account).await?;
    let now = state.clock.unix();
    store::audit::record(&mut *tx, now, Some(account), Event::SignOutEverywhere, None).await?;
    tx.commit().await?;
    Ok((jar.add(expired_session_cookie()), StatusCode::NO_CONTENT))
}

pub fn session_cookie(value: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::seconds(ABSOLUTE_TIMEOUT_SECS))
        .build()
}

pub fn expired_session_cookie() -> Cookie<'static> {
    let mut cookie = session_cookie(String::new());
    cookie.make_removal();
    cookie
}
