//! Every route of the app, so paths are written in one place.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    SignIn,
    PersonalInfo,
    Devices,
    Data,
    CloseAccount,
    CloseAccountDone,
    Pending,
    SignOut,
}

impl Page {
    pub fn path(self) -> &'static str {
        match self {
            Self::SignIn => "/signin",
            Self::PersonalInfo => farewell_api::PERSONAL_INFO_PATH,
            Self::Devices => "/account/devices",
            Self::Data => "/account/data",
            Self::CloseAccount => "/account/close",
            Self::CloseAccountDone => "/account/close/done",
            Self::Pending => "/account/pending",
            Self::SignOut => farewell_api::SIGN_OUT_PATH,
        }
    }

    /// `/signin?next=…`, to come back to `next` after signing in.
    pub fn sign_in_then(next: &str) -> String {
        format!("{}?next={}", Self::SignIn.path(), js_sys::encode_uri_component(next))
    }
}
