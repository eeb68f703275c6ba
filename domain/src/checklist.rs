//! The close-account checklist (SPEC §2 step 2) and the wizard's next step, computed from
//! facts about the account. Pure: the store gathers the facts, this decides.

use farewell_api::{ChecklistItem, DeletionStatus, ItemId, ItemKind, Money, WizardStep};

/// What the account holds right now that matters to closing it.
#[derive(Debug, Clone)]
pub struct Facts {
    pub devices_signed_in: u32,
    pub find_my_device_on: u32,
    pub unpaid_instalments: u32,
    pub unpaid: Money,
    pub open_orders: u32,
    pub wallet: Money,
    pub purchases: u32,
    pub backup_downloaded: bool,
}

/// The ticks the person gave in the checklist.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ticks {
    pub balance_forfeit: bool,
    pub purchases_erased: bool,
    pub no_backup: bool,
}

pub fn checklist(facts: &Facts, ticks: &Ticks) -> Vec<ChecklistItem> {
    let item = |id, kind, ok, detail: String| ChecklistItem {
        id,
        kind,
        ok,
        detail,
        count: None,
        amount: None,
    };
    let plural = |n: u32, one: &str, many: &str| {
        if n == 1 { one.to_owned() } else { format!("{n} {many}") }
    };
    vec![
        ChecklistItem {
            count: Some(facts.devices_signed_in),
            ..item(
                ItemId::DevicesSignedOut,
                ItemKind::Gate,
                facts.devices_signed_in == 0,
                match facts.devices_signed_in {
                    0 => "Every device is signed out".into(),
                    n => format!("{} still signed in", plural(n, "1 device is", "devices are")),
                },
            )
        },
        ChecklistItem {
            count: Some(facts.find_my_device_on),
            ..item(
                ItemId::FindMyDeviceOff,
                ItemKind::Gate,
                facts.find_my_device_on == 0,
                match facts.find_my_device_on {
                    0 => "Find My Device is off everywhere".into(),
                    n => format!("Find My Device is on for {}", plural(n, "1 device", "devices")),
                },
            )
        },
        ChecklistItem {
            count: Some(facts.unpaid_instalments),
            amount: Some(facts.unpaid.clone()),
            ..item(
                ItemId::NoUnpaidBalance,
                ItemKind::Gate,
                facts.unpaid_instalments == 0,
                match facts.unpaid_instalments {
                    0 => "Nothing is owed".into(),
                    _ => "An instalment is still unpaid".into(),
                },
            )
        },
        ChecklistItem {
            count: Some(facts.open_orders),
            ..item(
                ItemId::NoOpenOrders,
                ItemKind::Gate,
                facts.open_orders == 0,
                match facts.open_orders {
                    0 => "No order is shipping or being returned".into(),
                    n => format!(
                        "{} shipping or being returned",
                        plural(n, "1 order is", "orders are")
                    ),
                },
            )
        },
        ChecklistItem {
            amount: Some(facts.wallet.clone()),
            ..item(
                ItemId::BalanceForfeit,
                ItemKind::Ack,
                facts.wallet.minor == 0 || ticks.balance_forfeit,
                if facts.wallet.minor == 0 {
                    "The wallet is empty".into()
                } else {
                    "The wallet balance will be forfeited".into()
                },
            )
        },
        ChecklistItem {
            count: Some(facts.purchases),
            ..item(
                ItemId::PurchasesErased,
                ItemKind::Ack,
                facts.purchases == 0 || ticks.purchases_erased,
                "Purchase records, the proof for warranty claims, will be erased".into(),
            )
        },
        item(
            ItemId::Backup,
            ItemKind::Backup,
            facts.backup_downloaded || ticks.no_backup,
            if facts.backup_downloaded {
                "A copy of the data was downloaded".into()
            } else {
                "Download a copy of the data, or confirm none is needed".into()
            },
        ),
    ]
}

/// How far a request has come, beyond its checklist.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub terms_accepted: bool,
    /// The password was re-entered recently enough.
    pub reauth_fresh: bool,
    /// A code of this request was verified.
    pub verified: bool,
}

/// The first unfinished step of the wizard.
pub fn next_step(
    status: DeletionStatus,
    items: &[ChecklistItem],
    progress: Progress,
) -> WizardStep {
    use DeletionStatus::*;
    match status {
        None => WizardStep::BeforeYouGo,
        PendingDeletion => WizardStep::Done,
        InProgress if items.iter().any(|i| !i.ok) => WizardStep::Checklist,
        InProgress if !progress.terms_accepted => WizardStep::Terms,
        InProgress if !(progress.reauth_fresh && progress.verified) => WizardStep::Verify,
        InProgress => WizardStep::Confirm,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Money {
        Money { minor, currency: "USD".into() }
    }

    fn clear() -> Facts {
        Facts {
            devices_signed_in: 0,
            find_my_device_on: 0,
            unpaid_instalments: 0,
            unpaid: usd(0),
            open_orders: 0,
            wallet: usd(0),
            purchases: 0,
            backup_downloaded: false,
        }
    }

    fn unmet(facts: &Facts, ticks: &Ticks) -> Vec<ItemId> {
        checklist(facts, ticks).into_iter().filter(|i| !i.ok).map(|i| i.id).collect()
    }

    #[test]
    fn an_empty_account_only_needs_the_backup_decision() {
        assert_eq!(unmet(&clear(), &Ticks::default()), [ItemId::Backup]);
        let ticks = Ticks { no_backup: true, ..Ticks::default() };
        assert!(unmet(&clear(), &ticks).is_empty());
        let downloaded = Facts { backup_downloaded: true, ..clear() };
        assert!(unmet(&downloaded, &Ticks::default()).is_empty());
    }

    #[test]
    fn ticks_cannot_waive_a_gate() {
        let facts = Facts {
            devices_signed_in: 2,
            find_my_device_on: 1,
            unpaid_instalments: 1,
            unpaid: usd(8_325),
            open_orders: 1,
            ..clear()
        };
        let all_ticked = Ticks { balance_forfeit: true, purchases_erased: true, no_backup: true };
        assert_eq!(
            unmet(&facts, &all_ticked),
            [
                ItemId::DevicesSignedOut,
                ItemId::FindMyDeviceOff,
                ItemId::NoUnpaidBalance,
                ItemId::NoOpenOrders
            ]
        );
    }

    #[test]
    fn a_balance_and_purchases_need_acknowledging() {
        let facts = Facts { wallet: usd(1_250), purchases: 4, ..clear() };
        let ticks = Ticks { no_backup: true, ..Ticks::default() };
        assert_eq!(unmet(&facts, &ticks), [ItemId::BalanceForfeit, ItemId::PurchasesErased]);
    }

    #[test]
    fn the_next_step_is_the_first_unfinished_one() {
        use DeletionStatus::*;
        let open = checklist(&clear(), &Ticks::default());
        let ticked = Ticks { no_backup: true, ..Ticks::default() };
        let done = checklist(&clear(), &ticked);
        let terms = Progress { terms_accepted: true, ..Progress::default() };
        let verified_long_ago = Progress { verified: true, ..terms };
        let all = Progress { reauth_fresh: true, ..verified_long_ago };
        let step = |status, items: &[ChecklistItem], progress| next_step(status, items, progress);
        assert_eq!(step(None, &open, Progress::default()), WizardStep::BeforeYouGo);
        assert_eq!(step(InProgress, &open, all), WizardStep::Checklist);
        assert_eq!(step(InProgress, &done, Progress::default()), WizardStep::Terms);
        assert_eq!(step(InProgress, &done, terms), WizardStep::Verify);
        assert_eq!(step(InProgress, &done, verified_long_ago), WizardStep::Verify);
        assert_eq!(step(InProgress, &done, all), WizardStep::Confirm);
        assert_eq!(step(PendingDeletion, &done, all), WizardStep::Done);
    }
}
