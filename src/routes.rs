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
            Self::PersonalInfo => "/account",
            Self::Devices => "/account/devices",
            Self::Data => "/account/data",
            Self::CloseAccount => "/account/close",
            Self::CloseAccountDone => "/account/close/done",
            Self::Pending => "/account/pending",
            Self::SignOut => "/signout",
        }
    }

    /// `/signin?next=…`, to come back to `next` after signing in.
    pub fn sign_in_then(next: &str) -> String {
        format!("{}?next={}", Self::SignIn.path(), js_sys::encode_uri_component(next))
    }
}

/// Where to go after signing in: only a path on this site, never another origin.
pub fn safe_next(next: Option<String>) -> String {
    next.filter(|n| farewell_api::is_own_path(n))
        .unwrap_or_else(|| Page::PersonalInfo.path().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/account/close".into())), "/account/close");
        for hostile in ["//evil.example", "https://evil.example", "/\\evil.example", "account"] {
            assert_eq!(safe_next(Some(hostile.into())), "/account", "{hostile}");
        }
        assert_eq!(safe_next(None), "/account");
    }
}
