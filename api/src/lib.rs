//! Wire types of the `/api/v1` JSON contract, shared by the app and the server.
//!
//! Request types reject unknown fields so a typo in a client is a `400`, not a silently
//! ignored value. Timestamps travel as RFC 3339 strings; the app localizes them.

pub mod deletion;
pub mod devices;
pub mod inventory;
pub mod problem;
pub mod session;

pub use deletion::{
    Acknowledgements, CancelPreview, Channel, ChannelOption, ChecklistItem, CodeStatus,
    ConfirmRequest, Confirmation, DeletionState, DeletionStatus, ItemId, ItemKind, ReauthRequest,
    ReceiptKey, SendCodeRequest, TermsRequest, Verification, VerifyCodeRequest, WizardStep,
};
pub use devices::{Device, DeviceKind, PasswordConfirmation};
pub use inventory::{ExportState, ExportStatus, Inventory, Money};
pub use problem::{Problem, ProblemCode};
pub use session::{
    AccountState, LanguageRequest, Me, RegisterRequest, SessionStatus, SignInRequest,
};

/// Every state-changing request must carry this header with the value [`CSRF_HEADER_VALUE`].
pub const CSRF_HEADER: &str = "x-requested-with";
pub const CSRF_HEADER_VALUE: &str = "farewell";

/// The languages of the product, as BCP 47 tags; the first is the default.
pub const LANGUAGES: [&str; 2] = ["en", "zh-CN"];

/// Path prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";
