//! Reusable pieces of UI. They take signals and callbacks; only pages talk to the API.

pub mod checklist_continue;
pub mod countdown;
pub mod error_summary;
pub mod grace_timeline;
pub mod inventory_list;
pub mod layout;
pub mod online;
pub mod page_heading;
pub mod require_sign_in;
pub mod step_header;
pub mod timeout_warning;

pub use error_summary::{ErrorSummary, FieldError};
pub use page_heading::PageHeading;
pub use require_sign_in::RequireSignIn;
