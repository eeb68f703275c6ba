//! Every JSON request body the API takes: any bytes are a value or an error, never a panic, and
//! a value survives a round trip.
#![no_main]

use farewell_api::{
    Acknowledgements, ConfirmRequest, LanguageRequest, PasswordConfirmation, ReauthRequest,
    RegisterRequest, SendCodeRequest, SignInRequest, TermsRequest, VerifyCodeRequest,
};
use libfuzzer_sys::fuzz_target;
use serde::{Serialize, de::DeserializeOwned};

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(bytes: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(bytes) {
        let again: T = serde_json::from_slice(&serde_json::to_vec(&value).unwrap()).unwrap();
        assert_eq!(again, value);
    }
}

fuzz_target!(|bytes: &[u8]| {
    round_trip::<SignInRequest>(bytes);
    round_trip::<RegisterRequest>(bytes);
    round_trip::<LanguageRequest>(bytes);
    round_trip::<PasswordConfirmation>(bytes);
    round_trip::<Acknowledgements>(bytes);
    round_trip::<TermsRequest>(bytes);
    round_trip::<ReauthRequest>(bytes);
    round_trip::<SendCodeRequest>(bytes);
    round_trip::<VerifyCodeRequest>(bytes);
    round_trip::<ConfirmRequest>(bytes);
});
