//! Dates, amounts and sizes in the person's language, through the browser's `Intl` (in
//! headless Chromium).
#![cfg(target_arch = "wasm32")]

use farewell::{format, i18n::Lang};
use farewell_api::Money;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn money(currency: &str) -> Money {
    Money { minor: 1250, currency: currency.to_owned() }
}

#[wasm_bindgen_test]
fn each_language_and_currency_keeps_its_own_format() {
    let march = "2019-03-14T09:30:00Z";
    for _ in 0..2 {
        // The second time round every formatter is the one built the first time.
        assert_eq!(format::money(Lang::En, &money("USD")), "$12.50");
        assert_eq!(format::money(Lang::ZhCn, &money("USD")), "US$12.50");
        assert_eq!(format::money(Lang::En, &money("EUR")), "€12.50");
        assert_eq!(format::long_date(Lang::En, march), "March 14, 2019");
        assert_eq!(format::long_date(Lang::ZhCn, march), "2019年3月14日");
        assert_eq!(format::count(Lang::En, 1234), "1,234");
        assert_eq!(format::bytes(Lang::En, 1_234_567), "1.2 MB");
        assert_eq!(format::bytes(Lang::En, 980_000), "980 kB");
    }
    assert_eq!(format::long_date(Lang::En, "not a date"), "not a date");
}

#[wasm_bindgen_test]
fn an_amount_in_a_currency_intl_refuses_is_still_shown_exactly() {
    // `Intl.NumberFormat` throws a RangeError for a malformed currency code.
    let amount = |minor| Money { minor, currency: "U$".to_owned() };
    assert_eq!(format::money(Lang::En, &amount(1250)), "12.50 U$");
    assert_eq!(format::money(Lang::En, &amount(5)), "0.05 U$");
    assert_eq!(format::money(Lang::En, &amount(-1999)), "-19.99 U$");
}
