//! `/account/data` (Privacy & data): what we hold, and "Download your data". The export panel
//! is also the checklist's backup item, so a person can keep a copy without leaving the wizard.

use farewell_api::{ExportState, ExportStatus};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api_client::{self, ApiError},
    components::{PageHeading, inventory_list::InventoryList},
    format,
    i18n::{fill, tr, use_i18n},
};

#[component]
pub fn PrivacyData() -> impl IntoView {
    let i18n = use_i18n();
    let inventory = LocalResource::new(api_client::inventory);
    let loaded = Signal::derive(move || inventory.get().and_then(Result::ok));
    view! {
        <PageHeading text=Signal::derive(move || i18n.t().data_title().to_owned()) />
        <section class="card" aria-labelledby="export-title">
            <h2 id="export-title">{tr(|t| t.export_title())}</h2>
            <p>{tr(|t| t.export_lead())}</p>
            <ExportPanel on_change=Callback::new(|_| {}) />
        </section>
        <section class="card" aria-labelledby="holdings-title">
            <h2 id="holdings-title">{tr(|t| t.data_holdings_title())}</h2>
            <InventoryList inventory=loaded />
        </section>
    }
}

/// Request an archive, watch it being built, download it. `on_change` runs when the archive
/// is downloaded, so the page can re-read what depends on it.
#[component]
pub fn ExportPanel(
    #[prop(into)] on_change: Callback<()>,
    /// The archive's status when already asked for (else the panel asks).
    #[prop(default = None)]
    known: Option<Result<Option<ExportStatus>, ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let asked = known.is_some();
    let status = RwSignal::new(known);
    let refresh =
        move || spawn_local(async move { status.set(Some(api_client::export_status().await)) });
    if !asked {
        refresh();
    }
    let building = Memo::new(move |_| {
        status.with(|s| matches!(s, Some(Ok(Some(e))) if matches!(e.state, ExportState::Queued | ExportState::Building)))
    });
    // While an archive is being built, ask how far it has come every second.
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if building.get_untracked() {
                refresh();
            }
        },
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    let busy = RwSignal::new(false);
    let prepare = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            status.set(Some(api_client::request_export().await.map(Some)));
            busy.set(false);
        });
    };
    let downloaded = move |_| {
        // The browser fetches the file itself; once it has asked, the server counts the copy.
        set_timeout(
            move || {
                refresh();
                on_change.run(());
            },
            std::time::Duration::from_millis(1500),
        );
    };
    let size = move |bytes: u64| format::bytes(i18n.lang(), bytes);
    view! {
        <div class="export-panel" aria-live="polite">
            {move || match status.get() {
                None => view! { <div class="skeleton-line"></div> }.into_any(),
                Some(Err(_)) => view! {
                    <p class="field-error">{tr(|t| t.error_network())}</p>
                    <button type="button" class="button secondary" on:click=move |_| refresh()>{tr(|t| t.try_again())}</button>
                }.into_any(),
                Some(Ok(Some(e))) if matches!(e.state, ExportState::Queued | ExportState::Building) => {
                    let (done, total) = (e.items_done, e.items_total.max(1));
                    view! {
                        <label for="export-progress">{tr(|t| t.export_preparing())}</label>
                        <progress id="export-progress" max=total.to_string() value=done.to_string()></progress>
                        <p class="hint">
                            {move || fill(i18n.t().export_progress(), &[
                                ("done", &format::count(i18n.lang(), done as u32)),
                                ("total", &format::count(i18n.lang(), total as u32)),
                                ("size", &size(e.bytes)),
                            ])}
                        </p>
                    }.into_any()
                }
                Some(Ok(Some(e))) if e.state == ExportState::Ready => {
                    let href = api_client::export_download_url(&e.id);
                    let until = e.expires_at.clone().unwrap_or_default();
                    let sha = e.sha256.clone().unwrap_or_default();
                    view! {
                        <a class="button primary" href=href download on:click=downloaded>
                            {move || fill(i18n.t().export_download(), &[("size", &size(e.bytes))])}
                        </a>
                        <p class="hint">{move || fill(i18n.t().export_until(), &[("date", &format::long_date(i18n.lang(), &until))])}</p>
                        {e.downloaded.then(|| view! { <p class="notice">{tr(|t| t.export_downloaded())}</p> })}
                        <p class="hint sha">{fill("SHA-256: {sha}", &[("sha", &sha)])}</p>
                        <button type="button" class="link-button" on:click=prepare>{tr(|t| t.export_again())}</button>
                    }.into_any()
                }
                Some(Ok(other)) => view! {
                    {other.filter(|e| e.state == ExportState::Failed).map(|_| view! { <p class="field-error">{tr(|t| t.export_failed())}</p> })}
                    <button type="button" id="prepare-export" class="button secondary" on:click=prepare>{tr(|t| t.export_prepare())}</button>
                }.into_any(),
            }}
        </div>
    }
}
