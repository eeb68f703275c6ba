//! A throwaway server for the browser and fuzz tests: the debug build, a fresh database with
//! the demo data, a free port on loopback. Dropping it stops the server and deletes its data.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::PathBuf,
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
        let data = std::env::temp_dir().join(format!("farewell-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data)?;
        let port = free_port()?;
        let child = cmd(root().join("target/debug/farewell-server"))
            .env("PORT", port.to_string())
            .env("BIND", "127.0.0.1")
            .env("DATABASE_URL", format!("sqlite://{}/farewell.db", data.display()))
            .env("FAREWELL_DEV", "1")
            .env("FAREWELL_DIST", root().join("dist"))
            .env("RUST_LOG", "warn")
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
