//! Dates and region names in the person's language, through the browser's `Intl`.

use std::{cell::RefCell, collections::HashMap};

use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::Lang;

fn locales(lang: Lang) -> Array {
    Array::of1(&JsValue::from_str(lang.tag()))
}

thread_local! {
    /// `Intl` format functions already built, by language and what they format. Building one
    /// loads locale data (~100 µs, ~500 µs the first time) while using it costs under 1 µs,
    /// and a page formats a date per device or an amount per checklist item.
    static FORMATTERS: RefCell<HashMap<(Lang, String), Function>> = RefCell::default();
}

/// The format function for `lang` and `what`, built by `build` the first time (`None` when
/// `Intl` refuses the options).
fn formatter(lang: Lang, what: &str, build: impl FnOnce() -> Option<Function>) -> Option<Function> {
    let key = (lang, what.to_owned());
    if let Some(format) = FORMATTERS.with_borrow(|built| built.get(&key).cloned()) {
        return Some(format);
    }
    let format = build()?;
    FORMATTERS.with_borrow_mut(|built| built.insert(key, format.clone()));
    Some(format)
}

/// `Intl[name]`, a constructor that older browsers may lack.
fn intl_constructor(name: &str) -> Option<Function> {
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    Reflect::get(&intl, &name.into()).ok()?.dyn_into().ok()
}

/// A long date such as "14 March 2019" / "2019年3月14日" from an RFC 3339 timestamp.
pub fn long_date(lang: Lang, rfc3339: &str) -> String {
    let date = Date::new(&JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    let format = formatter(lang, "long date", || {
        let options = Object::new();
        let _ = Reflect::set(&options, &"dateStyle".into(), &"long".into());
        Some(Intl::DateTimeFormat::new(&locales(lang), &options).format())
    });
    format
        .and_then(|format| format.call1(&JsValue::NULL, &date).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| rfc3339.to_owned())
}

/// The region's name in the person's language ("United States" / "美国"), or its code when
/// the browser cannot name it.
pub fn region_name(lang: Lang, code: &str) -> String {
    let named = || -> Option<String> {
        let constructor = intl_constructor("DisplayNames")?;
        let options = Object::new();
        Reflect::set(&options, &"type".into(), &"region".into()).ok()?;
        let names = Reflect::construct(&constructor, &Array::of2(&locales(lang), &options)).ok()?;
        let of: Function = Reflect::get(&names, &"of".into()).ok()?.dyn_into().ok()?;
        of.call1(&names, &JsValue::from_str(code)).ok()?.as_string()
    };
    named().unwrap_or_else(|| code.to_owned())
}

/// Formats `value` with `Intl.NumberFormat` and `options`, which `what` names uniquely.
fn number_format(
    lang: Lang,
    what: &str,
    options: &[(&str, JsValue)],
    value: f64,
) -> Option<String> {
    let format = formatter(lang, what, || {
        let opts = Object::new();
        for (key, v) in options {
            let _ = Reflect::set(&opts, &JsValue::from_str(key), v);
        }
        // Constructed through Reflect, which hands back the RangeError of a malformed
        // currency code, say, where `Intl::NumberFormat::new` would abort the app.
        let arguments = Array::of2(&locales(lang), &opts);
        let format = Reflect::construct(&intl_constructor("NumberFormat")?, &arguments).ok()?;
        Some(format.unchecked_into::<Intl::NumberFormat>().format())
    })?;
    format.call1(&JsValue::NULL, &JsValue::from_f64(value)).ok()?.as_string()
}

/// A count with the language's digit grouping: "1,234".
pub fn count(lang: Lang, n: u32) -> String {
    number_format(lang, "count", &[], f64::from(n)).unwrap_or_else(|| n.to_string())
}

/// A size such as "1.2 MB" or "980 kB", in the language's number format.
pub fn bytes(lang: Lang, bytes: u64) -> String {
    let (value, unit) = match bytes {
        b if b >= 1_000_000_000 => (b as f64 / 1e9, "gigabyte"),
        b if b >= 1_000_000 => (b as f64 / 1e6, "megabyte"),
        b if b >= 1_000 => (b as f64 / 1e3, "kilobyte"),
        b => (b as f64, "byte"),
    };
    number_format(
        lang,
        unit,
        &[("style", "unit".into()), ("unit", unit.into()), ("maximumFractionDigits", 1.into())],
        value,
    )
    .unwrap_or_else(|| format!("{bytes} B"))
}

/// Money in its currency: "$12.50", "US$12.50".
pub fn money(lang: Lang, amount: &farewell_api::Money) -> String {
    let value = amount.minor as f64 / 100.0;
    number_format(
        lang,
        &format!("currency {}", amount.currency),
        &[("style", "currency".into()), ("currency", amount.currency.as_str().into())],
        value,
    )
    .unwrap_or_else(|| plain_money(amount))
}

/// "12.50 U$", for a currency code `Intl` refuses (a malformed one). Integer arithmetic:
/// formatting an `f64` would pull float formatting, some 10 KB, into the bundle for this
/// fallback alone.
fn plain_money(amount: &farewell_api::Money) -> String {
    let sign = if amount.minor < 0 { "-" } else { "" };
    let minor = amount.minor.unsigned_abs();
    format!("{sign}{}.{:02} {}", minor / 100, minor % 100, amount.currency)
}
