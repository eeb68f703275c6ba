//! Request extractors whose rejections are problem documents, and the signed-in session.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{
        ConnectInfo, FromRequest, FromRequestParts, OptionalFromRequestParts, Request,
        rejection::JsonRejection,
    },
    http::request::Parts,
};
use axum_extra::extract::CookieJar;
use serde::de::DeserializeOwned;

use crate::{
    domain::{AccountId, SecretToken, TokenHash},
    error::AppError,
    state::AppState,
    store::{self, accounts::AccountRow},
};

/// Name of the session cookie. `__Host-` makes browsers insist on Secure, Path=/ and no Domain.
pub const SESSION_COOKIE: &str = "__Host-session";

/// `Json<T>` whose rejection (bad JSON, unknown fields, wrong content type, too large) becomes
/// our problem document instead of axum's plain text.
pub struct AppJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    AppError::BadRequest { status: rejection.status(), detail: rejection.body_text() }
}

/// A valid, unexpired session and its account as read with it. Extracting it also records
/// activity for the idle timeout.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub account_id: AccountId,
    pub token_hash: TokenHash,
    pub account: AccountRow,
}

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar
            .get(SESSION_COOKIE)
            .and_then(|cookie| SecretToken::parse(cookie.value()))
            .ok_or(AppError::Unauthenticated)?;
        let token_hash = token.hash();
        let now = state.clock.unix();
        let account = store::sessions::authenticate(&state.db, &state.writes, &token_hash, now)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let account_id = AccountId::parse(&account.id)
            .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("stored account ID is invalid")))?;
        Ok(Self { account_id, token_hash, account })
    }
}

/// `Option<CurrentSession>`: `None` when there is no live session; storage failures still fail.
impl OptionalFromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        match <Self as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(session) => Ok(Some(session)),
            Err(AppError::Unauthenticated) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

/// The address a request came from: the TCP peer, or, when the peer is one of
/// `FAREWELL_TRUSTED_PROXIES` (a reverse proxy in front of several replicas), the nearest
/// address in `X-Forwarded-For` that is not a trusted proxy. Anyone else's `X-Forwarded-For`
/// is ignored, so a client cannot pick its own address to dodge the per-address throttle.
pub struct ClientIp(pub IpAddr);

const X_FORWARDED_FOR: &str = "x-forwarded-for";

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip())
            .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("no peer address")))?;
        let trusted = &state.config.trusted_proxies;
        if !trusted.contains(&peer) {
            return Ok(Self(peer));
        }
        let forwarded = parts
            .headers
            .get_all(X_FORWARDED_FOR)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|hop| hop.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        // From the proxy backwards: each trusted hop vouches for the one before it.
        let mut client = peer;
        for hop in forwarded.into_iter().rev() {
            match hop {
                Some(ip) if trusted.contains(&ip) => client = ip,
                Some(ip) => return Ok(Self(ip)),
                // A hop that is not an address: trust stops at the last good one.
                None => break,
            }
        }
        Ok(Self(client))
    }
}
