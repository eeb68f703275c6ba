//! Property: no sequence of API calls reaches `pending_deletion` without passing every gate,
//! the acknowledgements, the terms, a fresh password check and a valid code — and nothing
//! ever answers 5xx along the way.

use farewell_server::seed;
use proptest::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Browser, DEMO_PHONE_E164, TestApp, spawn_app};

#[derive(Debug, Clone)]
enum Call {
    Start,
    FindMyDeviceOff { right_password: bool },
    SignOutDevices,
    Acknowledge { balance: bool, purchases: bool, no_backup: bool },
    Terms(bool),
    Reauth { right_password: bool },
    SendCode { phone: bool },
    VerifyCode { right: bool },
    Confirm { right_text: bool },
    Wait { minutes: u64 },
    Abandon,
}

fn call() -> impl Strategy<Value = Call> {
    prop_oneof![
        Just(Call::Start),
        any::<bool>().prop_map(|right_password| Call::FindMyDeviceOff { right_password }),
        Just(Call::SignOutDevices),
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
            |(balance, purchases, no_backup)| {
                Call::Acknowledge { balance, purchases, no_backup }
            }
        ),
        any::<bool>().prop_map(Call::Terms),
        any::<bool>().prop_map(|right_password| Call::Reauth { right_password }),
        any::<bool>().prop_map(|phone| Call::SendCode { phone }),
        any::<bool>().prop_map(|right| Call::VerifyCode { right }),
        any::<bool>().prop_map(|right_text| Call::Confirm { right_text }),
        (1u64..15).prop_map(|minutes| Call::Wait { minutes }),
        Just(Call::Abandon),
    ]
}

/// What the test itself knows it achieved, from the answers it got.
#[derive(Debug, Default)]
struct Achieved {
    now_minutes: u64,
    find_my_device_off: bool,
    devices_signed_out: bool,
    acknowledged_all: bool,
    terms: bool,
    reauth_at: Option<u64>,
    verified: bool,
    last_code_to: Option<&'static str>,
    confirmed: bool,
}

impl Achieved {
    fn may_confirm(&self) -> bool {
        self.find_my_device_off
            && self.devices_signed_out
            && self.acknowledged_all
            && self.terms
            && self.verified
            && self.reauth_at.is_some_and(|at| self.now_minutes - at <= 10)
    }

    fn forget_request(&mut self) {
        self.acknowledged_all = false;
        self.terms = false;
        self.verified = false;
        self.reauth_at = None;
        self.last_code_to = None;
    }
}

async fn run(
    app: &TestApp,
    browser: &mut Browser<'_>,
    done: &mut Achieved,
    step: &Call,
) -> StatusCode {
    let status = match step {
        Call::Start => browser.post("/deletion").await.status(),
        Call::FindMyDeviceOff { right_password } => {
            let password = if *right_password { seed::DEMO_PASSWORD } else { "nope" };
            let body = json!({ "password": password });
            let status =
                browser.post_json("/devices/dev-7f3a9c21/find-my-device/off", body).await.status();
            done.find_my_device_off |= status == StatusCode::OK;
            status
        }
        Call::SignOutDevices => {
            let mut all = true;
            for device in ["dev-7f3a9c21", "dev-2b8e4d10", "dev-c5d61e77"] {
                let status = browser.post(&format!("/devices/{device}/sign-out")).await.status();
                assert!(!status.is_server_error());
                all &= status == StatusCode::OK;
            }
            done.devices_signed_out |= all;
            StatusCode::OK
        }
        Call::Acknowledge { balance, purchases, no_backup } => {
            let body = json!({ "balance_forfeit": balance, "purchases_erased": purchases, "no_backup": no_backup });
            let status = browser.put_json("/deletion/acknowledgements", body).await.status();
            if status == StatusCode::OK {
                done.acknowledged_all = *balance && *purchases && *no_backup;
            }
            status
        }
        Call::Terms(accepted) => {
            let status =
                browser.put_json("/deletion/terms", json!({ "accepted": accepted })).await.status();
            if status == StatusCode::OK {
                done.terms = *accepted;
            }
            status
        }
        Call::Reauth { right_password } => {
            let password = if *right_password { seed::DEMO_PASSWORD } else { "nope" };
            let status = browser
                .post_json("/deletion/reauth", json!({ "password": password }))
                .await
                .status();
            if status == StatusCode::OK {
                done.reauth_at = Some(done.now_minutes);
            }
            status
        }
        Call::SendCode { phone } => {
            let (channel, to) =
                if *phone { ("phone", DEMO_PHONE_E164) } else { ("email", seed::DEMO_EMAIL) };
            let status = browser.send_code(channel).await.status();
            if status == StatusCode::OK {
                done.last_code_to = Some(to);
            }
            status
        }
        Call::VerifyCode { right } => {
            let code = match (right, done.last_code_to) {
                (true, Some(to)) => app.last_code_to(to).await,
                _ => "000000".to_owned(),
            };
            let status = browser.verify(&code).await.status();
            done.verified |= status == StatusCode::OK;
            status
        }
        Call::Confirm { right_text } => {
            let text = if *right_text { seed::DEMO_EMAIL } else { "someone@example.com" };
            let status = browser
                .post_json("/deletion/confirm", json!({ "confirmation": text }))
                .await
                .status();
            if status == StatusCode::ACCEPTED {
                assert!(
                    done.confirmed || done.may_confirm(),
                    "confirmed without every step: {done:?}"
                );
                done.confirmed = true;
            }
            status
        }
        Call::Wait { minutes } => {
            // Touch the session first, so waiting never outlasts the idle timeout.
            browser.get("/me").await;
            app.advance(minutes * 60);
            done.now_minutes += minutes;
            StatusCode::OK
        }
        Call::Abandon => {
            let request = browser.request(Method::DELETE, "/deletion");
            let status = browser.send(request).await.status();
            if status == StatusCode::NO_CONTENT {
                done.forget_request();
            }
            status
        }
    };
    assert!(!status.is_server_error(), "{step:?} answered {status}");
    status
}

/// The straight path to a closed account, call by call.
fn straight_path() -> Vec<Call> {
    vec![
        Call::Start,
        Call::FindMyDeviceOff { right_password: true },
        Call::SignOutDevices,
        Call::Acknowledge { balance: true, purchases: true, no_backup: true },
        Call::Terms(true),
        Call::Reauth { right_password: true },
        Call::SendCode { phone: true },
        Call::VerifyCode { right: true },
        Call::Confirm { right_text: true },
    ]
}

/// Near misses: the straight path with steps skipped, and random calls or waits between.
fn near_miss() -> impl Strategy<Value = Vec<Call>> {
    (
        prop::sample::subsequence(straight_path(), 4..=9),
        prop::collection::vec(call(), 0..4),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(mut path, extra, at)| {
            let position = at.index(path.len() + 1);
            for (offset, call) in extra.into_iter().enumerate() {
                path.insert(position + offset, call);
            }
            path
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_of_calls_closes_an_account_without_every_step(
        calls in prop_oneof![prop::collection::vec(call(), 1..30), near_miss()]
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let app = spawn_app().await;
            let mut browser = app.browser();
            browser.sign_in_demo().await;
            let mut done = Achieved::default();
            for step in &calls {
                run(&app, &mut browser, &mut done, step).await;
            }
            let state: Value = sqlx::query_scalar("SELECT state FROM accounts WHERE email = $1")
                .bind(seed::DEMO_EMAIL)
                .fetch_one(&app.state.db)
                .await
                .map(Value::String)
                .unwrap();
            // The only way to pending_deletion is a confirm the test saw succeed, with every
            // step done (asserted where it happened).
            assert_eq!(state == "pending_deletion", done.confirmed, "{calls:?}");
        });
    }
}

/// The generator can reach the end at all: the straight path closes the account.
#[tokio::test]
async fn the_straight_path_through_the_same_calls_closes_the_account() {
    let app = spawn_app().await;
    let mut browser = app.browser();
    browser.sign_in_demo().await;
    let mut done = Achieved::default();
    let mut last = StatusCode::OK;
    for step in &straight_path() {
        last = run(&app, &mut browser, &mut done, step).await;
    }
    assert_eq!(last, StatusCode::ACCEPTED);
    assert!(done.confirmed);
}
