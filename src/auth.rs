//! Who is signed in, as far as this browser knows. The server is the judge; this only decides
//! what to show while it answers.

use farewell_api::Me;
use leptos::{prelude::*, task::spawn_local};

use crate::api_client;

#[derive(Debug, Clone, PartialEq)]
pub enum AuthState {
    /// Asking the server.
    Checking,
    SignedIn(Me),
    SignedOut,
}

#[derive(Debug, Clone, Copy)]
pub struct Auth {
    pub state: RwSignal<AuthState>,
}

impl Auth {
    /// Starts checking the session cookie with `GET /session`.
    pub fn new() -> Self {
        let auth = Self { state: RwSignal::new(AuthState::Checking) };
        auth.refresh();
        auth
    }

    pub fn refresh(&self) {
        let state = self.state;
        spawn_local(async move {
            let answer = match api_client::session().await {
                Ok(Some(me)) => AuthState::SignedIn(me),
                Ok(None) | Err(_) => AuthState::SignedOut,
            };
            // The same answer again (a page re-reading on arrival) must not re-render
            // everything that shows who is signed in.
            if state.with_untracked(|known| *known != answer) {
                state.set(answer);
            }
        });
    }

    pub fn me(&self) -> Option<Me> {
        match self.state.get() {
            AuthState::SignedIn(me) => Some(me),
            _ => None,
        }
    }

    pub fn signed_in(&self, me: Me) {
        self.state.set(AuthState::SignedIn(me));
    }

    pub fn signed_out(&self) {
        self.state.set(AuthState::SignedOut);
    }
}

impl Default for Auth {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
