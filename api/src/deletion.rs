//! `GET /deletion` and the close-account wizard's requests. The server computes every gate;
//! the app only shows what it says.

use serde::{Deserialize, Serialize};

use crate::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    pub const ALL: [WizardStep; 6] = [
        Self::BeforeYouGo,
        Self::Checklist,
        Self::Terms,
        Self::Verify,
        Self::Confirm,
        Self::Done,
    ];

    /// 1-based position, for "Step 2 of 6".
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[serde(deny_unknown_fields)]
pub struct Acknowledgements {
    pub balance_forfeit: bool,
    pub purchases_erased: bool,
    pub no_backup: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionState {
    pub status: DeletionStatus,
    pub next_step: WizardStep,
    pub checklist: Vec<ChecklistItem>,
    pub acknowledgements: Acknowledgements,
    pub terms_accepted: bool,
    /// RFC 3339; set once the request is confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_for: Option<String>,
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
#[serde(deny_unknown_fields)]
pub struct TermsRequest {
    pub accepted: bool,
}
