//! Generates `Strings` from `locales/*.json` so every key is a method: a key missing from a
//! language, or a typo in the code, is a compile error rather than a blank on screen.

use std::{collections::BTreeMap, env, fs, path::Path};

/// Each language's `Lang` variant and its strings.
const LOCALES: [(&str, &str); 2] = [("En", "locales/en.json"), ("ZhCn", "locales/zh-CN.json")];

fn main() {
    let mut tables = Vec::new();
    for (variant, path) in LOCALES {
        println!("cargo:rerun-if-changed={path}");
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let table: BTreeMap<String, String> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        tables.push((variant, path, table));
    }
    let (_, reference_path, reference) = &tables[0];
    for (_, path, table) in &tables[1..] {
        for key in reference.keys() {
            assert!(table.contains_key(key), "{path} lacks `{key}` (present in {reference_path})");
        }
        for key in table.keys() {
            assert!(reference.contains_key(key), "{path} has `{key}`, unknown in {reference_path}");
        }
    }

    // One method per key, each choosing between the languages: a string the code never asks
    // for is dropped from the wasm with its method, so the sign-in page's own small app
    // carries only the strings it shows (a struct of fields would keep them all).
    let mut out = String::from(
        "/// Every user-visible string, one method per key of `locales/*.json`.\n\
         #[derive(Debug)]\npub struct Strings {\n    lang: Lang,\n}\n\n\
         pub static EN: Strings = Strings { lang: Lang::En };\n\
         pub static ZH_CN: Strings = Strings { lang: Lang::ZhCn };\n\n\
         impl Strings {\n",
    );
    for key in reference.keys() {
        assert!(
            key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "locale key `{key}` must be snake_case"
        );
        out.push_str(&format!(
            "    pub fn {key}(&self) -> &'static str {{\n        match self.lang {{\n"
        ));
        for (variant, _, table) in &tables {
            out.push_str(&format!("            Lang::{variant} => {:?},\n", table[key]));
        }
        out.push_str("        }\n    }\n\n");
    }
    // Every (key, text) of a language, for the tests that compare the languages.
    out.push_str("    #[cfg(test)]\n    pub fn entries(&self) -> Vec<(&'static str, &'static str)> {\n        vec![\n");
    for key in reference.keys() {
        out.push_str(&format!("            ({key:?}, self.{key}()),\n"));
    }
    out.push_str("        ]\n    }\n}\n\n");
    let keys: Vec<String> = reference.keys().map(|k| format!("{k:?}")).collect();
    out.push_str(&format!("pub const KEYS: &[&str] = &[{}];\n", keys.join(", ")));
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("strings.rs");
    fs::write(dest, out).unwrap();
}
