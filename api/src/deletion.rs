//! `GET /deletion` and the close-account wizard's requests. The server computes every gate;
//! the app only shows what it says.

use serde::{Deserialize, Serialize};

use crate::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeletionStatus {
    /// Nothing started.
    None,
    /// The person is going through the wizard.
    InProgress,
    /// Confirmed; waiting out the grace period.
    PendingDeletion,
}

/// The wizard's steps, in order. `GET /deletion` names the first unfinished one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WizardStep {
    BeforeYouGo,
    Checklist,
    Terms,
    Verify,
    Confirm,
    Done,
}

impl WizardStep {
    pub const ALL: [WizardStep; 6] =
        [Self::BeforeYouGo, Self::Checklist, Self::Terms, Self::Verify, Self::Confirm, Self::Done];

    /// 1-based position, for "Step 2 of 6".
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Must be fixed; a tick cannot waive it.
    Gate,
    /// Must be acknowledged.
    Ack,
    /// A copy of the data, or the tick "I don't need a copy".
    Backup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemId {
    DevicesSignedOut,
    FindMyDeviceOff,
    NoUnpaidBalance,
    NoOpenOrders,
    BalanceForfeit,
    PurchasesErased,
    Backup,
}

impl ItemId {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DevicesSignedOut => "devices_signed_out",
            Self::FindMyDeviceOff => "find_my_device_off",
            Self::NoUnpaidBalance => "no_unpaid_balance",
            Self::NoOpenOrders => "no_open_orders",
            Self::BalanceForfeit => "balance_forfeit",
            Self::PurchasesErased => "purchases_erased",
            Self::Backup => "backup",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    pub id: ItemId,
    pub kind: ItemKind,
    pub ok: bool,
    /// Plain-English explanation for API clients; the app words its own from the fields.
    pub detail: String,
    /// How many things stand in the way (devices, instalments, orders), when countable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// The amount concerned (wallet balance, unpaid instalments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
}

/// The checklist's ticks; also the body of `PUT /deletion/acknowledgements`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Acknowledgements {
    pub balance_forfeit: bool,
    pub purchases_erased: bool,
    pub no_backup: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeletionState {
    pub status: DeletionStatus,
    pub next_step: WizardStep,
    pub checklist: Vec<ChecklistItem>,
    pub acknowledgements: Acknowledgements,
    pub terms_accepted: bool,
    pub verification: Verification,
    /// Set once the request is confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// RFC 3339; set once the request is confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_for: Option<String>,
    /// RFC 3339; when the request was confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<String>,
    /// RFC 3339; when the reminder emails go out (a week and a day before, for 30 days).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reminders: Vec<String>,
}

impl DeletionState {
    /// Items still standing in the way of the next step.
    pub fn unmet(&self) -> impl Iterator<Item = &ChecklistItem> {
        self.checklist.iter().filter(|item| !item.ok)
    }

    pub fn checklist_done(&self) -> bool {
        self.unmet().next().is_none()
    }
}

/// `PUT /deletion/terms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TermsRequest {
    pub accepted: bool,
}

/// Where a one-time code can be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Phone,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Phone => "phone",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelOption {
    pub channel: Channel,
    /// The masked address or number, for the person to recognise.
    pub masked: String,
}

/// The live code of this request, if one was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeStatus {
    pub channel: Channel,
    pub sent_to: String,
    /// Seconds until another code may be sent (0: now).
    pub resend_in: u64,
    /// Seconds until this code expires (0: expired).
    pub expires_in: u64,
    pub attempts_left: u32,
}

/// Step 4's state: a fresh password check, and a code sent and verified.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    /// The password was re-entered in the last 10 minutes.
    pub reauth_fresh: bool,
    pub channels: Vec<ChannelOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<CodeStatus>,
    /// A code of this request was verified.
    pub verified: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_channel: Option<Channel>,
}

/// `POST /deletion/reauth`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReauthRequest {
    pub password: String,
}

/// `POST /deletion/code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendCodeRequest {
    pub channel: Channel,
}

/// `POST /deletion/code/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyCodeRequest {
    pub code: String,
}

/// `POST /deletion/confirm`: the typed email address or account ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    pub confirmation: String,
}

/// The `202` answer of `POST /deletion/confirm`: everything the done page shows, since every
/// session ends with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Confirmation {
    pub reference: String,
    /// RFC 3339.
    pub requested_at: String,
    /// RFC 3339: when the account will be purged.
    pub scheduled_for: String,
    /// Where the confirmation email (with its cancel link) went, masked.
    pub email_masked: String,
    /// SHA-256 (hex) of the data archive the person downloaded, if any: proof of their copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_sha256: Option<String>,
}

/// `GET /cancel/{token}`: what the one-time link would cancel, without signing in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelPreview {
    pub email_masked: String,
    /// RFC 3339.
    pub scheduled_for: String,
}

/// `GET /receipt-key`: the public key that verifies deletion receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptKey {
    pub algorithm: String,
    /// Base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
}
