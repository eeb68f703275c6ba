//! A throwaway server for the browser and fuzz tests: the debug build, a fresh database with
//! the demo data, a free port on loopback. Dropping it stops the server and deletes its data.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

use crate::{
    process::{cmd, run},
    root,
};

pub struct TestServer {
    child: Child,
    data: PathBuf,
    pub port: u16,
}

impl TestServer {
    /// Builds the server (a no-op when it is current).
    pub fn build() -> anyhow::Result<()> {
        run(cmd("cargo").args(["build", "--package", "farewell-server", "--locked"]))
    }

    pub fn start(name: &str) -> anyhow::Result<Self> {
        Self::start_with(name, "debug", &root().join("dist"))
    }

    /// A server of the `profile` build ("debug" or "release") serving `dist`.
    pub fn start_with(name: &str, profile: &str, dist: &Path) -> anyhow::Result<Self> {
        Self::start_on(name, profile, dist, &[])
    }

    /// A server with more settings (`settings` may name another `DATABASE_URL` than the SQLite
    /// file of its own it gets by default).
    pub fn start_on(
        name: &str,
        profile: &str,
        dist: &Path,
        settings: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let data = std::env::temp_dir().join(format!("farewell-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data)?;
        let port = free_port()?;
        let child = cmd(root().join("target").join(profile).join("farewell-server"))
            .env("PORT", port.to_string())
            .env("BIND", "127.0.0.1")
            .env("DATABASE_URL", format!("sqlite://{}/farewell.db", data.display()))
            .env("FAREWELL_EXPORT_DIR", data.join("exports"))
            .env("FAREWELL_DEV", "1")
            .env("FAREWELL_DIST", dist)
            .env("RUST_LOG", "warn")
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .context("cannot start the server")?;
        let server = Self { child, data, port };
        wait_until_healthy(port)?;
        Ok(server)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

pub fn wait_until_healthy(port: u16) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if request(port, "GET", "/api/v1/health", &[], "").is_ok_and(|r| r.status == 200) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("the server did not become healthy on port {port}")
}

/// An answer to [`request`]: its status and raw header block.
pub struct Answer {
    pub status: u16,
    pub headers: String,
}

/// One plain HTTP/1.1 request on loopback: enough for setting up benchmarks and health checks
/// without an HTTP client crate.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> anyhow::Result<Answer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(head.as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let (headers, _) = answer.split_once("\r\n\r\n").context("no header end")?;
    let status = headers.split(' ').nth(1).and_then(|s| s.parse().ok()).context("no status")?;
    Ok(Answer { status, headers: headers.to_owned() })
}
