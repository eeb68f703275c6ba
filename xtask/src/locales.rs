//! The locale tables: the app's build already fails when a language lacks a key (`build.rs`);
//! this test fails when a key is no longer used by any screen, so translators never maintain
//! dead strings and a removed screen leaves nothing behind.

#[cfg(test)]
mod tests {
    use std::{collections::BTreeMap, fs, path::Path};

    use crate::root;

    fn sources(dir: &Path, into: &mut String) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push_str(&fs::read_to_string(&path).unwrap());
            }
        }
    }

    /// `.key` followed by something that cannot continue an identifier.
    fn uses(code: &str, key: &str) -> bool {
        let needle = format!(".{key}");
        code.match_indices(&needle).any(|(at, _)| {
            let next = code[at + needle.len()..].chars().next();
            !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    }

    #[test]
    fn every_english_key_is_translated_and_used_by_the_app() {
        let table = |name: &str| -> BTreeMap<String, String> {
            let text = fs::read_to_string(root().join("locales").join(name)).unwrap();
            serde_json::from_str(&text).unwrap()
        };
        let (en, zh) = (table("en.json"), table("zh-CN.json"));
        let mut code = String::new();
        sources(&root().join("src"), &mut code);
        let untranslated: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        let unused: Vec<_> = en.keys().filter(|k| !uses(&code, k)).collect();
        let blank: Vec<_> =
            zh.iter().filter(|(_, v)| v.trim().is_empty()).map(|(k, _)| k).collect();
        assert_eq!(untranslated, Vec::<&String>::new(), "missing in zh-CN");
        assert_eq!(unused, Vec::<&String>::new(), "no screen uses these keys");
        assert_eq!(blank, Vec::<&String>::new(), "empty in zh-CN");
    }

    #[test]
    fn a_key_counts_as_used_only_as_a_whole_field() {
        assert!(uses("tr(|t| t.sign_in)", "sign_in"));
        assert!(!uses("tr(|t| t.sign_in_title)", "sign_in"));
    }
}
