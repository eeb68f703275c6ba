//! Builds the web app into `dist/`: trunk in release mode, the boot script moved out of
//! `index.html` (our CSP allows no inline script), and brotli/gzip copies of every asset.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    time::SystemTime,
};

use anyhow::Context;

use crate::{
    process::{cmd, run},
    root, step,
};

/// Inputs whose change means the app must be rebuilt.
const SOURCES: [&str; 12] = [
    "src",
    "prerendered",
    "style",
    "locales",
    "assets",
    "api/src",
    "index.html",
    // How the app is built is an input too: a changed recipe must not serve the old build.
    "xtask/src/app.rs",
    "Trunk.toml",
    "Cargo.toml",
    "Cargo.lock",
    ".cargo/config.toml",
];
const STAMP: &str = ".build-stamp";
/// The sign-in page's own small app (`src/bin/signin.rs`), served for a first visit to
/// `/signin`. Its page is `index.html` building that binary instead, written next to it (trunk
/// reads a page's links relative to the page) and ignored by git.
const SIGN_IN_PAGE: &str = "signin.html";

/// The sign-in page in each language, as the server names them: the built page with the
/// sign-in screen pre-rendered in it (`prerendered/signin.<lang>.html`).
const LANGUAGE_PAGES: [(&str, &str); 2] = [("en", SIGN_IN_PAGE), ("zh-CN", SIGN_IN_PAGE_ZH)];
const SIGN_IN_PAGE_ZH: &str = "signin.zh-CN.html";

/// Builds `dist/` unless it is newer than every source.
pub fn build() -> anyhow::Result<()> {
    let root = root();
    let dist = root.join("dist");
    if newest(&SOURCES.map(|s| root.join(s)))? <= modified(&dist.join(STAMP)) {
        println!("dist/ is up to date");
        return Ok(());
    }
    step("building the web app (trunk build --release)");
    run(cmd("cargo").args(["fetch", "--locked"]))?;
    // The sign-in page's own small app first, in a folder of its own: a trunk build replaces
    // its whole output folder. Its page joins the whole app's as `signin.html`.
    let sign_in = root.join("target/signin-dist");
    let index = fs::read_to_string(root.join("index.html"))?;
    fs::write(root.join(SIGN_IN_PAGE), sign_in_page(&index)?)?;
    run(cmd("trunk")
        .args(["build", "--release", "--offline", "--dist"])
        .arg(&sign_in)
        .arg(SIGN_IN_PAGE))?;
    run(cmd("trunk").args(["build", "--release", "--offline"]))?;
    for path in files(&sign_in)? {
        let name = path.strip_prefix(&sign_in)?;
        let name = if name == Path::new("index.html") { Path::new(SIGN_IN_PAGE) } else { name };
        fs::create_dir_all(dist.join(name).parent().context("a file has a folder")?)?;
        fs::copy(&path, dist.join(name))?;
    }
    for page in ["index.html", SIGN_IN_PAGE] {
        finish_page(&dist.join(page))?;
    }
    sign_in_language_pages(&dist)?;
    compress(&dist)?;
    fs::write(dist.join(STAMP), "")?;
    for page in [SIGN_IN_PAGE, SIGN_IN_PAGE_ZH, "index.html"] {
        let kb = first_load_brotli_bytes(&dist, page)? as f64 / 1024.0;
        println!("first load of {page}: {kb:.1} KB brotli");
    }
    Ok(())
}

/// The benchmark's framework floor (`bench/floor/`), built as the app is, into `out` as the
/// page `page` with its files beside it.
pub fn build_floor(out: &Path, page: &str) -> anyhow::Result<()> {
    let built = root().join("target/bench/floor-dist");
    run(cmd("trunk")
        .args(["build", "--release", "--offline", "--dist"])
        .arg(&built)
        .arg("bench/floor/index.html"))?;
    finish_page(&built.join("index.html"))?;
    compress(&built)?;
    for path in files(&built)? {
        let name = path.file_name().context("a file has a name")?.to_string_lossy();
        let name = match name.strip_prefix("index.html") {
            Some(suffix) => format!("{page}{suffix}"),
            None => name.into_owned(),
        };
        fs::copy(&path, out.join(name))?;
    }
    Ok(())
}

/// The sign-in page: `index.html` building the sign-in app, and without the preload of
/// `GET /session`. The sign-in form shows without that answer, so on its page the preload
/// would only queue ahead of the app's own files: on a cold start, ready in 230–246 ms with
/// it against 217–220 ms without (ad hoc, 12 rounds × 3, in turn).
fn sign_in_page(index: &str) -> anyhow::Result<String> {
    let page = index.replace(r#"data-bin="farewell""#, r#"data-bin="signin""#);
    anyhow::ensure!(page != index, "index.html builds no data-bin=\"farewell\"");
    let is_session_preload = |line: &str| line.contains(r#"href="/api/v1/session""#);
    anyhow::ensure!(page.lines().any(is_session_preload), "index.html preloads no /api/v1/session");
    Ok(page
        .lines()
        .filter(|line| !is_session_preload(line))
        .map(|line| format!("{line}\n"))
        .collect())
}

/// Writes the sign-in page once per language and state with that pre-rendered screen in it
/// (`signin.html`, `signin.invalid.html`, `signin.zh-CN.html`, `signin.zh-CN.invalid.html`,
/// ...), so the form shows, works as a plain form, and says why the server sent it back,
/// before the app starts or without it.
fn sign_in_language_pages(dist: &Path) -> anyhow::Result<()> {
    let built = fs::read_to_string(dist.join(SIGN_IN_PAGE))?;
    for (lang, page) in LANGUAGE_PAGES {
        let screens = prerendered_screens(lang)?;
        anyhow::ensure!(
            screens.iter().any(|(state, _)| state.is_empty()),
            "no prerendered/signin.{lang}.html (`cargo xtask prerender`)"
        );
        for (state, file) in screens {
            let screen = fs::read_to_string(&file)?;
            let name = format!("{}{state}.html", page.trim_end_matches(".html"));
            fs::write(dist.join(name), with_screen(&built, lang, &screen)?)?;
        }
    }
    Ok(())
}

/// The pre-rendered screens of `lang` written by `cargo xtask prerender`,
/// `prerendered/signin.<lang>[.<state>].html`: each state (with its dot; empty for the page
/// as first sent) and its file.
fn prerendered_screens(lang: &str) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let prefix = format!("signin.{lang}");
    let mut screens = Vec::new();
    for entry in fs::read_dir(root().join("prerendered"))? {
        let path = entry?.path();
        let name = path.file_name().context("a file has a name")?.to_string_lossy();
        let Some(state) = name.strip_prefix(&prefix).and_then(|rest| rest.strip_suffix(".html"))
        else {
            continue;
        };
        if state.is_empty() || state.starts_with('.') && !state[1..].contains('.') {
            screens.push((state.to_owned(), path.clone()));
        }
    }
    screens.sort();
    Ok(screens)
}

/// `page` in `lang`, showing `screen`: a pre-rendered screen's `<title>` line, then what the
/// app draws in `<body>`.
fn with_screen(page: &str, lang: &str, screen: &str) -> anyhow::Result<String> {
    let screen = without_comments(screen);
    let (title, body) =
        screen.trim().split_once('\n').context("a pre-rendered screen: <title>, then body")?;
    anyhow::ensure!(title.starts_with("<title>") && title.ends_with("</title>"), "{title}");
    let mut page = page.to_owned();
    for (from, to) in [
        (r#"<html lang="en">"#, format!(r#"<html lang="{lang}">"#)),
        ("<title>Farewell</title>", title.to_owned()),
        ("</noscript>", format!("</noscript>{body}")),
    ] {
        anyhow::ensure!(
            page.matches(from).count() == 1,
            "the built sign-in page has no one {from}"
        );
        page = page.replacen(from, &to, 1);
    }
    Ok(page)
}

/// A built page as it is served: without its comments, and with trunk's inline boot code
/// (which a CSP without `unsafe-inline` would block) moved into a content-named file beside
/// the page, referenced by `src`.
fn finish_page(page: &Path) -> anyhow::Result<()> {
    let dist = page.parent().context("a page has a folder")?;
    let mut html = without_comments(&fs::read_to_string(page)?);
    const OPEN: &str = "<script type=\"module\">";
    while let Some(start) = html.find(OPEN) {
        let body_start = start + OPEN.len();
        let end = html[body_start..]
            .find("</script>")
            .context("unterminated inline script in index.html")?
            + body_start;
        let script = html[body_start..end].to_owned();
        let name = format!("boot-{:016x}.js", fnv1a(script.as_bytes()));
        fs::write(dist.join(&name), script.trim())?;
        html.replace_range(
            start..end + "</script>".len(),
            &format!("<script type=\"module\" src=\"/{name}\"></script>"),
        );
    }
    fs::write(page, html)?;
    Ok(())
}

/// `html` without its comments: they are for readers of `index.html`, not for every visit to
/// download (and the one above the session preload would describe a line the sign-in page
/// lacks).
fn without_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(rest[..start].trim_end_matches([' ', '\t']));
        rest = match rest[start..].find("-->") {
            Some(end) => {
                let after = &rest[start + end + "-->".len()..];
                after.strip_prefix('\n').unwrap_or(after)
            }
            None => "",
        };
    }
    out.push_str(rest);
    out
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("html" | "js" | "wasm" | "css" | "svg" | "json")
    )
}

/// Writes `.br` and `.gz` next to every text or wasm asset, for `precompressed_br()`.
fn compress(dist: &Path) -> anyhow::Result<()> {
    for path in files(dist)?.into_iter().filter(|p| compressible(p)) {
        let data = fs::read(&path)?;
        let mut br = Vec::new();
        {
            let params =
                brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 24, ..Default::default() };
            brotli::BrotliCompress(&mut data.as_slice(), &mut br, &params)?;
        }
        fs::write(with_suffix(&path, "br"), br)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&data)?;
        fs::write(with_suffix(&path, "gz"), gz.finish()?)?;
    }
    Ok(())
}

/// Brotli bytes a first visit of `page` downloads: the page and every file that it or its
/// boot script names (but the icon, which browsers fetch once and keep).
fn first_load_brotli_bytes(dist: &Path, page: &str) -> anyhow::Result<u64> {
    let mut named = fs::read_to_string(dist.join(page))?;
    let compressed: Vec<PathBuf> =
        files(dist)?.into_iter().filter(|p| with_suffix(p, "br").is_file()).collect();
    let name = |path: &Path| path.file_name().unwrap_or_default().to_string_lossy().into_owned();
    for boot in compressed.iter().filter(|p| name(p).starts_with("boot-")) {
        if named.contains(&name(boot)) {
            named.push_str(&fs::read_to_string(boot)?);
        }
    }
    let mut total = fs::metadata(with_suffix(&dist.join(page), "br"))?.len();
    for path in &compressed {
        let name = name(path);
        if named.contains(&name) && !name.contains("favicon") {
            total += fs::metadata(with_suffix(path, "br"))?.len();
        }
    }
    Ok(total)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(files(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path).and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH)
}

/// The newest modification time under `paths` (files and folders, recursively).
fn newest(paths: &[PathBuf]) -> anyhow::Result<SystemTime> {
    let mut latest = SystemTime::UNIX_EPOCH;
    for path in paths {
        if path.is_dir() {
            latest = latest.max(newest(&files(path)?)?);
        } else {
            latest = latest.max(modified(path));
        }
    }
    Ok(latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_in_page_builds_its_own_app_and_does_not_preload_the_session() {
        let index = fs::read_to_string(root().join("index.html")).unwrap();
        let page = sign_in_page(&index).unwrap();
        assert!(index.contains(r#"href="/api/v1/session""#));
        assert!(!page.contains("/api/v1/session"), "{page}");
        assert!(page.contains(r#"data-bin="signin""#) && !page.contains(r#"data-bin="farewell""#));
        assert_eq!(page.lines().count(), index.lines().count() - 1, "only that line goes");
    }

    #[test]
    fn built_pages_lose_their_comments_and_nothing_else() {
        let html = "<head>\n    <!-- why the next line,\n         on two lines -->\n    <link rel=\"preload\">\n  </head>\n<body><!-- a --><p>x</p></body>\n";
        assert_eq!(
            without_comments(html),
            "<head>\n    <link rel=\"preload\">\n  </head>\n<body><p>x</p></body>\n"
        );
        let index = fs::read_to_string(root().join("index.html")).unwrap();
        let built = without_comments(&index);
        assert!(index.contains("<!--") && !built.contains("<!--") && !built.contains("-->"));
        assert!(built.contains("<noscript>") && built.contains(r#"href="/api/v1/session""#));
    }

    #[test]
    fn a_language_page_shows_its_pre_rendered_screen() {
        let built = "<html lang=\"en\">\n<head><title>Farewell</title></head>\n<body>\n<noscript>x</noscript>\n</body>";
        let screen = "<!-- written by cargo xtask prerender -->\n<title>登录 – Farewell</title>\n<main><form method=\"post\"></form></main>\n";
        assert_eq!(
            with_screen(built, "zh-CN", screen).unwrap(),
            "<html lang=\"zh-CN\">\n<head><title>登录 – Farewell</title></head>\n<body>\n<noscript>x</noscript><main><form method=\"post\"></form></main>\n</body>"
        );
        assert!(with_screen(built, "en", "<main></main>").is_err(), "a screen needs its title");
        assert!(with_screen("<html>", "en", screen).is_err(), "the page must be the built one");
    }

    #[test]
    fn every_language_has_a_pre_rendered_sign_in_screen_in_every_state() {
        let states = |lang| -> Vec<String> {
            prerendered_screens(lang).unwrap().into_iter().map(|(state, _)| state).collect()
        };
        let expected = ["", ".invalid", ".missing", ".signed_out", ".throttled", ".throttled_one"];
        for (lang, _) in LANGUAGE_PAGES {
            assert_eq!(states(lang), expected, "{lang}");
            for (state, file) in prerendered_screens(lang).unwrap() {
                let screen = fs::read_to_string(file).unwrap();
                assert!(screen.contains(r#"<form method="post""#), "{lang}{state}: a plain form");
                assert!(screen.contains(r#"id="login""#) && screen.contains(r#"id="password""#));
            }
        }
    }
}
