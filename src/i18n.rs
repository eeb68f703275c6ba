//! Languages: English and Simplified Chinese, strings generated from `locales/*.json`.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

include!(concat!(env!("OUT_DIR"), "/strings.rs"));

/// How long a chosen language is remembered: a year, renewed by each choice.
const REMEMBER_SECS: u32 = 365 * 24 * 60 * 60;

/// A choice of string, resolved in whatever language is current when it is shown.
pub type Text = fn(&'static Strings) -> &'static str;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// BCP 47 tag, as used by `<html lang>`, `Intl` and the API.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::ZhCn => "zh-CN",
        }
    }

    /// The product language a tag asks for (any Chinese is Simplified Chinese), by the rule
    /// the server also sends the sign-in page by.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let tag = farewell_api::language_for(tag)?;
        Self::ALL.into_iter().find(|lang| lang.tag() == tag)
    }

    /// The language's own name, so a person who cannot read the current one finds theirs.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::ZhCn => "简体中文",
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Self::En => &EN,
            Self::ZhCn => &ZH_CN,
        }
    }
}

/// The language context: a signal every view reads strings through.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// Starts from the remembered choice, else the browser's language, else English — the
    /// order in which the server picks the sign-in page's language, so the page it sent is
    /// the page the app draws.
    pub fn new() -> Self {
        let remembered = remembered_tag().and_then(|tag| Lang::from_tag(&tag));
        let browser = || window().navigator().language().and_then(|tag| Lang::from_tag(&tag));
        let lang = remembered.or_else(browser).unwrap_or(Lang::En);
        let i18n = Self { lang: RwSignal::new(lang) };
        Effect::new(move || {
            let tag = i18n.lang.get().tag();
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", tag);
            }
        });
        i18n
    }

    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// The strings of the current language (tracked: views re-render on a switch).
    pub fn t(&self) -> &'static Strings {
        self.lang.get().strings()
    }

    /// Switches language and remembers the choice in a cookie, which the server reads too.
    pub fn set(&self, lang: Lang) {
        if let Some(document) = html_document() {
            let cookie = format!(
                "{}={}; Path=/; Max-Age={REMEMBER_SECS}; SameSite=Lax; Secure",
                farewell_api::LANGUAGE_COOKIE,
                lang.tag()
            );
            let _ = document.set_cookie(&cookie);
        }
        self.lang.set(lang);
    }
}

impl Default for I18n {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// A reactive text for one string. Every call shares one closure type, so the wasm carries
/// one copy of the code that renders translated text rather than one per string.
pub fn tr(key: Text) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || key(i18n.t())
}

/// Fills `{name}` placeholders in a translated string.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    args.iter().fold(template.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{name}}}"), value)
    })
}

/// The string for a count of `n`: `other`, or `one` for a count of one. English says
/// "1 try" and "2 tries"; Chinese has one form, which its `_one` strings repeat.
pub fn by_count(n: u64, one: Text, other: Text) -> Text {
    if n == 1 { one } else { other }
}

/// The string for a count of `n` (see [`by_count`]) with `n` in its `{name}`, in whichever
/// language is current when it is shown.
pub fn fill_count(
    n: u64,
    name: &'static str,
    one: Text,
    other: Text,
) -> impl Fn(&'static Strings) -> String + Copy + Send + Sync + 'static {
    move |t| fill(by_count(n, one, other)(t), &[(name, &n.to_string())])
}

fn html_document() -> Option<web_sys::HtmlDocument> {
    document().dyn_into().ok()
}

/// The language cookie's value. `document.cookie` is one `name=value; name=value` string of
/// the cookies scripts may see (the session's is not one of them); a cookie library would
/// add its date handling to the wasm for this one lookup.
fn remembered_tag() -> Option<String> {
    let cookies = html_document()?.cookie().ok()?;
    cookie_value(&cookies, farewell_api::LANGUAGE_COOKIE).map(str::to_owned)
}

fn cookie_value<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use std::{fs, path::Path};

    use super::*;

    fn sources(dir: &Path, out: &mut String) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push_str(&fs::read_to_string(path).unwrap());
            }
        }
    }

    #[test]
    fn every_string_in_the_locale_files_is_used_by_the_app() {
        let mut code = String::new();
        sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut code);
        let unused: Vec<&str> =
            KEYS.iter().copied().filter(|key| !code.contains(&format!(".{key}"))).collect();
        assert!(unused.is_empty(), "unused locale keys: {unused:?}");
    }

    #[test]
    fn both_languages_have_every_string_and_none_is_empty() {
        // Missing keys fail the build (build.rs); an empty translation would fail silently.
        for lang in Lang::ALL {
            for (key, text) in lang.strings().entries() {
                assert!(!text.trim().is_empty(), "{lang:?} has no text for {key}");
            }
        }
    }

    #[test]
    fn placeholders_match_between_languages() {
        // Every `{name}` of a string, sorted.
        let placeholders = |text: &str| {
            let mut names: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
                .collect();
            names.sort();
            names
        };
        for ((key, en), (_, zh)) in EN.entries().into_iter().zip(ZH_CN.entries()) {
            assert_eq!(placeholders(en), placeholders(zh), "{key}");
        }
    }

    #[test]
    fn the_language_cookie_is_found_among_others_and_not_by_a_longer_name() {
        assert_eq!(cookie_value("a=1; lang=zh-CN; b=2", "lang"), Some("zh-CN"));
        assert_eq!(cookie_value("lang=en", "lang"), Some("en"));
        assert_eq!(cookie_value("language=zh-CN; xlang=zh-CN", "lang"), None);
        assert_eq!(cookie_value("", "lang"), None);
    }
}
