//! End-to-end: the real server (fresh database, demo data, random free port) serving the built
//! app, driven by playwright-core in Debian's Chromium.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

use crate::{
    process::{cmd, run},
    root, step, tools,
};

/// Kills the server however the tests end.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run_file(file: &str, base_url: &str) -> anyhow::Result<()> {
    run(cmd("node")
        .args(["--test", "--test-concurrency=1", file])
        .current_dir(root().join("e2e"))
        .env("BASE_URL", base_url)
        .env("CHROMIUM", tools::CHROMIUM))
}

/// Every spec file gets its own server and fresh database, so no file depends on what another
/// did to the demo accounts.
pub fn end_to_end() -> anyhow::Result<()> {
    step("end-to-end tests in Chromium");
    run(cmd("cargo").args(["build", "--package", "farewell-server", "--locked"]))?;
    let mut files: Vec<String> = std::fs::read_dir(root().join("e2e"))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.js"))
        .collect();
    files.sort();
    for file in files {
        let data = std::env::temp_dir().join(format!("farewell-e2e-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data)?;
        let port = free_port()?;
        let server = Server(
            cmd(root().join("target/debug/farewell-server"))
                .env("PORT", port.to_string())
                .env("BIND", "127.0.0.1")
                .env("DATABASE_URL", format!("sqlite://{}/farewell.db", data.display()))
                .env("FAREWELL_DEV", "1")
                .env("FAREWELL_DIST", root().join("dist"))
                .env("RUST_LOG", "warn")
                .stdout(Stdio::null())
                .spawn()
                .context("cannot start the server")?,
        );
        wait_until_healthy(port)?;
        let result = run_file(&file, &format!("http://127.0.0.1:{port}"));
        drop(server);
        let _ = std::fs::remove_dir_all(&data);
        result?;
    }
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_until_healthy(port: u16) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let request =
                "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            let mut answer = String::new();
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_to_string(&mut answer).is_ok()
                && answer.starts_with("HTTP/1.1 200")
            {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("the server did not become healthy on port {port}")
}
