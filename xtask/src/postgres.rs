//! A throwaway PostgreSQL server for the tests: Debian's binaries (installed when missing), a
//! fresh cluster in a temporary folder, a private port on 127.0.0.1, trust authentication for
//! the `farewell` role, and no fsync (its data dies with the run). Stopped and deleted on drop.

use std::{path::PathBuf, process::Command};

use anyhow::Context;

use crate::{
    process::{cmd, run},
    server::free_port,
    step, tools,
};

pub struct Postgres {
    bin: PathBuf,
    dir: PathBuf,
    /// `postgres://farewell@127.0.0.1:PORT`, without a database name.
    pub server_url: String,
}

impl Postgres {
    pub fn start() -> anyhow::Result<Self> {
        let bin = match binaries() {
            Some(bin) => bin,
            None => {
                step("installing PostgreSQL from Debian");
                tools::apt_install(&["postgresql"])?;
                binaries().context("the postgresql package installed no server binaries")?
            }
        };
        let dir = std::env::temp_dir().join(format!("farewell-postgres-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let port = free_port()?;
        step(&format!("starting a throwaway PostgreSQL on 127.0.0.1:{port}"));
        let postgres =
            Self { bin, dir, server_url: format!("postgres://farewell@127.0.0.1:{port}") };
        // The server refuses to run as root; the package's `postgres` user owns the cluster.
        if tools::is_root() {
            run(cmd("chown").args(["-R", "postgres:postgres"]).arg(&postgres.dir))?;
        }
        let data = postgres.dir.join("data");
        run(postgres
            .tool("initdb")
            .args(["--auth=trust", "--username=farewell", "--encoding=UTF8", "--no-sync", "-D"])
            .arg(&data))?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=400",
            postgres.dir.display()
        );
        run(postgres
            .tool("pg_ctl")
            .args(["start", "--wait", "--silent", "-D"])
            .arg(&data)
            .args(["-l"])
            .arg(postgres.dir.join("server.log"))
            .args(["-o", &options]))?;
        Ok(postgres)
    }

    /// A new empty database on this server; its URL.
    pub fn create_database(&self, name: &str) -> anyhow::Result<String> {
        let port = self.server_url.rsplit(':').next().unwrap_or_default();
        run(self.tool("createdb").args(["-h", "127.0.0.1", "-p", port, "-U", "farewell", name]))?;
        Ok(format!("{}/{name}", self.server_url))
    }

    /// Runs `sql` in the database at `database_url` (as `create_database` names it), as a
    /// client of this server.
    pub fn psql(&self, database_url: &str, sql: &str) -> anyhow::Result<()> {
        run(cmd(self.bin.join("psql")).args(["-q", database_url, "-c", sql]))
    }

    /// pgbench, the server's own load generator, as a client of this server.
    pub fn pgbench(&self) -> Command {
        let mut command = cmd(self.bin.join("pgbench"));
        command.current_dir(&self.dir);
        command
    }

    /// One of the server's programs, run as the cluster's owner.
    fn tool(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        let mut command = match tools::is_root() {
            true => {
                let mut command = cmd("runuser");
                command.args(["-u", "postgres", "--"]).arg(program);
                command
            }
            false => cmd(program),
        };
        command.current_dir(&self.dir);
        command
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .tool("pg_ctl")
            .args(["stop", "--silent", "-m", "immediate", "-D"])
            .arg(data)
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The newest installed server's `bin` folder.
fn binaries() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let version = path.file_name()?.to_str()?.parse().ok()?;
            let bin = path.join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}
