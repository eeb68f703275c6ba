//! Password hashing with argon2id on a few threads of their own, at a lower CPU priority than
//! the rest of the server: a burst of sign-ins takes the CPU that requests leave idle rather
//! than doubling every other request's latency, and never occupies the async runtime.

use std::{
    sync::{Arc, Mutex, mpsc},
    thread,
};

use anyhow::Context;
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use tokio::sync::oneshot;

/// The hashing threads' nice value. Under contention Linux gives a nice-10 thread about a
/// tenth of the CPU time of a nice-0 one, so requests still win when the machine is busy,
/// and sign-ins run at full speed when it is not.
const NICENESS: libc::c_int = 10;

type Job = Box<dyn FnOnce() + Send>;

/// Half the cores, at least one. Each hash fills 19 MiB, so sign-ins also compete for the
/// caches and memory bandwidth requests use, which a nice value does not arbitrate: on two
/// cores, one thread instead of two let `/me` keep a p99 of 6.0–7.9 ms beside 20–26
/// sign-ins/s, against 7.6–9.7 ms beside 28–37/s (wrk, 64 connections, 3 rounds of each,
/// twice, in turn).
fn hashing_threads(cores: usize) -> usize {
    (cores / 2).max(1)
}

#[derive(Clone)]
pub struct Passwords {
    /// Jobs for the hashing threads (see [`hashing_threads`]), so hashing is bounded too.
    jobs: mpsc::Sender<Job>,
    /// Verified against when the account does not exist, so unknown logins cost the same time.
    dummy_hash: Arc<str>,
}

impl Passwords {
    pub async fn new() -> anyhow::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let threads = hashing_threads(thread::available_parallelism().map_or(2, |n| n.get()));
        for n in 0..threads {
            let queue = queue.clone();
            thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // One thread waits on the queue at a time; the lock is let go before
                        // the job runs.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            // Every `Passwords` was dropped.
                            Err(mpsc::RecvError) => return,
                        }
                    }
                })
                .context("cannot start a password hashing thread")?;
        }
        let mut passwords = Self { jobs, dummy_hash: Arc::from("") };
        passwords.dummy_hash =
            passwords.run(|| hash_blocking("not a real password")).await??.into();
        Ok(passwords)
    }

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        self.run(move || hash_blocking(&password)).await?
    }

    /// Checks `password` against `stored`, or against a dummy hash when there is no account,
    /// and answers `false` in that case whatever was typed.
    pub async fn verify(&self, stored: Option<String>, password: String) -> anyhow::Result<bool> {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.dummy_hash.to_string());
        let matches = self
            .run(move || {
                let parsed = PasswordHash::new(&hash).map_err(|e| anyhow::anyhow!("{e}"))?;
                anyhow::Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            })
            .await??;
        Ok(known && matches)
    }

    /// Runs `work` on a hashing thread, waiting in turn behind earlier jobs.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            // The request may have gone (the client hung up); its answer has nowhere to go.
            let _ = answer.send(work());
        });
        self.jobs.send(job).map_err(|_| anyhow::anyhow!("the password hashing threads stopped"))?;
        answered.await.context("a password hashing thread stopped mid-job")
    }
}

/// Lowers the calling thread's priority; on Linux the nice value belongs to a thread, not to
/// the whole process. Where it cannot be lowered, hashing still works at normal priority.
#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: setpriority only reads its integer arguments; `0` names the calling thread.
    let failed = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, NICENESS) } != 0;
    if failed {
        tracing::warn!("cannot lower the password hashing threads' priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let passwords = Passwords::new().await.unwrap();
        let hash = passwords.hash("correct horse".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(passwords.verify(Some(hash.clone()), "correct horse".into()).await.unwrap());
        assert!(!passwords.verify(Some(hash), "correct hors".into()).await.unwrap());
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_yields_the_cpu_to_requests() {
        // SAFETY: getpriority only reads its integer arguments; `0` names the calling thread.
        let niceness = || unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        let passwords = Passwords::new().await.unwrap();
        let hashing = passwords.run(niceness).await.unwrap();
        assert_eq!(hashing, NICENESS.max(niceness()));
    }

    #[test]
    fn hashing_takes_at_most_half_the_cores_and_always_one() {
        assert_eq!([1, 2, 3, 8].map(hashing_threads), [1, 1, 1, 4]);
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        let passwords = Passwords::new().await.unwrap();
        assert!(!passwords.verify(None, "not a real password".into()).await.unwrap());
    }
}
