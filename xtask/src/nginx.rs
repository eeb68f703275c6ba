//! nginx from Debian as the reverse proxy in front of several replicas, as an operator would
//! run Farewell on more than one machine (README, "Running several replicas").

use std::{
    path::PathBuf,
    process::{Child, Stdio},
};

use anyhow::Context;

use crate::{process::cmd, server::free_port, tools};

pub struct Nginx {
    child: Child,
    dir: PathBuf,
    pub port: u16,
}

impl Nginx {
    /// Balances requests round-robin over `upstreams` (ports on 127.0.0.1).
    pub fn start(upstreams: &[u16]) -> anyhow::Result<Self> {
        tools::ensure_debian_tool("nginx", "nginx")?;
        let dir = std::env::temp_dir().join(format!("farewell-nginx-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let port = free_port()?;
        let servers: String =
            upstreams.iter().map(|p| format!("        server 127.0.0.1:{p};\n")).collect();
        let config = format!(
            "user root;
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream farewell {{
{servers}    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 1m;
        location / {{
            proxy_pass http://farewell;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
",
            dir = dir.display()
        );
        let config_path = dir.join("nginx.conf");
        std::fs::write(&config_path, config)?;
        let child = cmd("nginx")
            .arg("-c")
            .arg(&config_path)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .spawn()
            .context("cannot start nginx")?;
        let nginx = Self { child, dir, port };
        crate::server::wait_until_healthy(port)?;
        Ok(nginx)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // One process (`master_process off`): with a master, killing it left its worker
        // serving on after the tests.
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
