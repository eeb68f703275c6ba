//! `GET /inventory`: what an account holds, per category — what closing it would erase.

use serde::{Deserialize, Serialize};

/// An amount of money in minor units (cents, fen) and its ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    pub minor: i64,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inventory {
    pub photos: u32,
    pub photo_bytes: u64,
    pub contacts: u32,
    pub notes: u32,
    pub messages: u32,
    pub devices: u32,
    pub purchases: u32,
    /// Warranties still running today.
    pub active_warranties: u32,
    pub wallet: Money,
    /// Forum posts are anonymized, not deleted.
    pub forum_posts: u32,
    /// Names of third-party apps that use "Sign in with" this account.
    pub third_party_apps: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportState {
    Queued,
    Building,
    Ready,
    Failed,
}

/// `GET /export` (the newest archive) and the answer of `POST /export`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportStatus {
    pub id: String,
    pub state: ExportState,
    pub items_done: u64,
    pub items_total: u64,
    /// Bytes of the archive written so far (its size once ready).
    pub bytes: u64,
    /// Hex SHA-256 of the finished archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// RFC 3339: the download link works until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    pub downloaded: bool,
}
