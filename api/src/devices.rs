//! `GET /devices` and the fixes a person can apply to a linked device.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Phone,
    Tablet,
    Laptop,
    Watch,
    Tv,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Device {
    pub id: String,
    pub name: String,
    pub model: String,
    pub kind: DeviceKind,
    /// RFC 3339 timestamp.
    pub last_seen: String,
    pub signed_in: bool,
    pub find_my_device: bool,
}

/// `POST /devices/{id}/find-my-device/off`: turning tracking off needs the password again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordConfirmation {
    pub password: String,
}
