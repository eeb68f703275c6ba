//! `/account/devices`, and the device fixes the close-account checklist reuses: sign a device
//! out remotely, turn Find My Device off (password required).

use farewell_api::{Device, DeviceKind, ProblemCode};
use leptos::{ev, prelude::*, task::spawn_local};

use crate::{
    api_client::{self, ApiError},
    auth::{Auth, use_auth},
    components::PageHeading,
    format,
    i18n::{fill, tr, use_i18n},
    pages::sign_out::SignOutChoices,
};

/// The account's devices and the actions on them. Results update the list in place and
/// call `on_change`, so a page can re-read whatever depends on devices.
#[derive(Clone, Copy)]
pub struct DeviceActions {
    pub devices: RwSignal<Option<Result<Vec<Device>, ApiError>>>,
    /// Each action answers with the device it was about, as its input is gone by then.
    sign_out: Action<String, (String, Result<Device, ApiError>)>,
    find_my_device_off: Action<(String, String), (String, Result<Device, ApiError>)>,
    /// The device whose Find My Device password was refused, and why.
    password_error: RwSignal<Option<(String, ApiError)>>,
    /// The device an action last failed on for another reason.
    action_error: RwSignal<Option<(String, ApiError)>>,
    auth: Auth,
}

impl DeviceActions {
    pub fn new(on_change: Callback<()>) -> Self {
        Self::with_list(on_change, None)
    }

    /// Like `new`, starting from a list already asked for (else asking for it).
    pub fn with_list(on_change: Callback<()>, list: Option<Result<Vec<Device>, ApiError>>) -> Self {
        let auth = use_auth();
        let actions = Self {
            devices: RwSignal::new(None),
            sign_out: Action::new_local(|id: &String| {
                let id = id.clone();
                async move { (id.clone(), api_client::sign_out_device(&id).await) }
            }),
            find_my_device_off: Action::new_local(|(id, password): &(String, String)| {
                let (id, password) = (id.clone(), password.clone());
                async move { (id.clone(), api_client::turn_off_find_my_device(&id, password).await) }
            }),
            password_error: RwSignal::new(None),
            action_error: RwSignal::new(None),
            auth,
        };
        let apply = move |id: String, result: Result<Device, ApiError>, password: bool| match result
        {
            Ok(device) => {
                actions.devices.update(|list| {
                    if let Some(Ok(list)) = list {
                        for d in list.iter_mut().filter(|d| d.id == device.id) {
                            *d = device.clone();
                        }
                    }
                });
                actions.password_error.set(None);
                actions.action_error.set(None);
                on_change.run(());
            }
            Err(error) if error.is_unauthenticated() => auth.signed_out(),
            Err(error) if password && error.code() == Some(ProblemCode::InvalidCredentials) => {
                actions.password_error.set(Some((id, error)))
            }
            Err(error) => {
                actions.action_error.set(Some((id, error)));
                actions.reload();
            }
        };
        Effect::new(move || {
            if let Some((id, result)) = actions.sign_out.value().get() {
                apply(id, result, false);
            }
        });
        Effect::new(move || {
            if let Some((id, result)) = actions.find_my_device_off.value().get() {
                apply(id, result, true);
            }
        });
        match list {
            Some(list) => actions.show(list),
            None => actions.reload(),
        }
        actions
    }

    pub fn reload(&self) {
        let actions = *self;
        spawn_local(async move { actions.show(api_client::devices().await) });
    }

    /// Shows an answer to "which devices?", however it was asked.
    fn show(&self, result: Result<Vec<Device>, ApiError>) {
        if matches!(&result, Err(e) if e.is_unauthenticated()) {
            self.auth.signed_out();
        }
        self.devices.set(Some(result));
    }

    fn busy(&self) -> bool {
        self.sign_out.pending().get() || self.find_my_device_off.pending().get()
    }
}

/// Which fixes a device card offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixes {
    All,
    SignOut,
    FindMyDevice,
}

fn kind_label(t: &'static crate::i18n::Strings, kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Phone => t.device_phone(),
        DeviceKind::Tablet => t.device_tablet(),
        DeviceKind::Laptop => t.device_laptop(),
        DeviceKind::Watch => t.device_watch(),
        DeviceKind::Tv => t.device_tv(),
    }
}

#[component]
pub fn DeviceCard(device: Device, actions: DeviceActions, fixes: Fixes) -> impl IntoView {
    let i18n = use_i18n();
    let id = device.id.clone();
    let password = RwSignal::new(String::new());
    let field_id = format!("fmd-password-{id}");
    let error_id = format!("fmd-error-{id}");
    let password_error = {
        let id = id.clone();
        Memo::new(move |_| {
            actions.password_error.with(|e| {
                e.as_ref().filter(|(d, _)| *d == id).map(|_| i18n.t().fmd_wrong_password())
            })
        })
    };
    let action_error = {
        let id = id.clone();
        move || {
            actions.action_error.with(|e| {
                e.as_ref().filter(|(d, _)| *d == id).map(|(_, err)| match err {
                    ApiError::Network => i18n.t().error_network(),
                    ApiError::Problem(p) if p.code == ProblemCode::FindMyDeviceOn => {
                        i18n.t().device_fmd_first()
                    }
                    ApiError::Problem(_) => i18n.t().error_unexpected(),
                })
            })
        }
    };
    let show_fmd = device.find_my_device && fixes != Fixes::SignOut;
    let show_sign_out = device.signed_in && fixes != Fixes::FindMyDevice;
    let name = device.name.clone();
    let last_seen = device.last_seen.clone();
    let on_fmd_off = {
        let id = id.clone();
        move |event: ev::SubmitEvent| {
            event.prevent_default();
            if actions.busy() {
                return;
            }
            let typed = password.get_untracked();
            if typed.is_empty() {
                return;
            }
            actions.find_my_device_off.dispatch((id.clone(), typed));
            password.set(String::new());
        }
    };
    let on_sign_out = {
        let id = id.clone();
        move |_| {
            if !actions.busy() {
                actions.sign_out.dispatch(id.clone());
            }
        }
    };
    let has_password_error = move || password_error.with(Option::is_some);
    view! {
        <li class="device">
            <div class="device-head">
                <strong class="device-name">{device.name.clone()}</strong>
                <span class="device-model">
                    {move || kind_label(i18n.t(), device.kind)} " · " {device.model.clone()}
                </span>
            </div>
            <p class="hint">
                {move || fill(i18n.t().device_last_seen(), &[("date", &format::long_date(i18n.lang(), &last_seen))])}
            </p>
            <ul class="device-state">
                <li>
                    {move || if device.signed_in { i18n.t().device_signed_in() } else { i18n.t().device_signed_out() }}
                </li>
                <li>
                    {move || if device.find_my_device { i18n.t().device_fmd_on() } else { i18n.t().device_fmd_off() }}
                </li>
            </ul>
            {show_fmd.then(|| {
                let field_id = field_id.clone();
                let error_id = error_id.clone();
                let name = name.clone();
                view! {
                    <form class="inline-form" novalidate on:submit=on_fmd_off.clone()>
                        <div class="field" class:field-invalid=has_password_error>
                            <label for=field_id.clone()>
                                {move || fill(i18n.t().fmd_password_label(), &[("device", &name)])}
                            </label>
                            <p class="field-error" id=error_id.clone() hidden=move || !has_password_error()>
                                {password_error}
                            </p>
                            <input
                                id=field_id.clone()
                                type="password"
                                autocomplete="current-password"
                                aria-invalid=move || has_password_error().then_some("true")
                                aria-describedby=move || has_password_error().then(|| error_id.clone())
                                prop:value=password
                                on:input=move |ev| password.set(event_target_value(&ev))
                            />
                        </div>
                        <button type="submit" class="button secondary">
                            {tr(|t| t.fmd_turn_off())}
                        </button>
                    </form>
                }
            })}
            {show_sign_out.then(|| {
                if device.find_my_device {
                    view! { <p class="hint">{tr(|t| t.device_fmd_first())}</p> }.into_any()
                } else {
                    let name = name.clone();
                    view! {
                        <button type="button" class="button secondary" on:click=on_sign_out.clone()>
                            {move || fill(i18n.t().device_sign_out(), &[("device", &name)])}
                        </button>
                    }
                    .into_any()
                }
            })}
            <p class="field-error" role="alert">{action_error}</p>
        </li>
    }
}

/// The devices of `actions` that `keep` selects, as cards offering `fixes`.
#[component]
pub fn DeviceList(
    actions: DeviceActions,
    fixes: Fixes,
    keep: fn(&Device) -> bool,
) -> impl IntoView {
    move || match actions.devices.get() {
        None => view! {
            <div class="skeleton" aria-busy="true">
                <div class="skeleton-line wide"></div>
                <div class="skeleton-line"></div>
            </div>
        }
        .into_any(),
        Some(Err(_)) => view! {
            <p class="field-error">{tr(|t| t.devices_load_failed())}</p>
            <button type="button" class="button secondary" on:click=move |_| actions.reload()>
                {tr(|t| t.try_again())}
            </button>
        }
        .into_any(),
        Some(Ok(devices)) => {
            let shown: Vec<Device> = devices.into_iter().filter(&keep).collect();
            if shown.is_empty() {
                view! { <p class="hint">{tr(|t| t.devices_none())}</p> }.into_any()
            } else {
                view! {
                    <ul class="device-list">
                        {shown
                            .into_iter()
                            .map(|device| view! { <DeviceCard device actions fixes /> })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }
        }
    }
}

#[component]
pub fn Devices() -> impl IntoView {
    let i18n = use_i18n();
    let actions = DeviceActions::new(Callback::new(|_| {}));
    view! {
        <PageHeading text=Signal::derive(move || i18n.t().devices_title().to_owned()) />
        <section class="card" aria-labelledby="devices-linked">
            <h2 id="devices-linked">{tr(|t| t.devices_linked())}</h2>
            <p class="hint">{tr(|t| t.devices_lead())}</p>
            <DeviceList actions fixes=Fixes::All keep=|_| true />
        </section>
        <section class="card" aria-labelledby="devices-browsers">
            <h2 id="devices-browsers">{tr(|t| t.sign_out_title())}</h2>
            <SignOutChoices />
        </section>
    }
}
