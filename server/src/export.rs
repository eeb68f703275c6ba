//! The export archive ("Download your data", GDPR Art. 20): a zip of everything the account
//! holds, in open formats, written to disk a batch at a time (photos are never all in memory),
//! with a SHA-256 for every file in `SHA256SUMS`.

use std::{
    fs::{self, File},
    io::{self, BufWriter, Read, Write},
    path::{Path, PathBuf},
};

use serde::Serialize;
use sha2::{Digest, Sha256};
use vcard4::VcardBuilder;
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use crate::{
    clock,
    domain::{AccountId, hex},
    messages::Language,
    state::AppState,
    store::{self, Backend, exports::ExportRow},
};

/// How long a finished archive can be downloaded.
pub const VALID_SECS: i64 = 7 * 86_400;
const LEASE_SECS: i64 = 120;
const PHOTO_BATCH: i64 = 100;

/// Where the archive `id` lives.
pub fn archive_path(state: &AppState, id: &str) -> PathBuf {
    state.config_export_dir().join(format!("{id}.zip"))
}

/// Builds every queued export this worker can claim.
pub async fn build_queued(state: &AppState) -> anyhow::Result<usize> {
    let mut built = 0;
    let backend = Backend::of(&state.db);
    loop {
        let now = state.clock.unix();
        let claimed =
            store::exports::claim(&mut *state.write_connection().await?, backend, now, LEASE_SECS)
                .await?;
        let Some(job) = claimed else { break };
        let outcome = tokio::select! {
            outcome = build(state, &job) => outcome,
            () = state.shutdown.cancelled() => {
                // Queued again for another replica; it writes its own archive from the start.
                store::exports::release(&mut *state.write_connection().await?, &job.id).await?;
                return Ok(built);
            }
        };
        match outcome {
            Ok(()) => built += 1,
            Err(err) => {
                tracing::warn!(id = %job.id, error = ?err, "export failed");
                store::exports::failed(&mut *state.write_connection().await?, &job.id).await?;
            }
        }
    }
    Ok(built)
}

/// A file of the archive being written: its bytes go to the zip and to its checksum.
struct Entry<'a, W: Write + io::Seek> {
    zip: &'a mut ZipWriter<W>,
    hash: Sha256,
}

impl<W: Write + io::Seek> Write for Entry<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.zip.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.zip.flush()
    }
}

struct Archive {
    zip: ZipWriter<BufWriter<File>>,
    sums: Vec<(String, String)>,
}

impl Archive {
    fn file(
        &mut self,
        path: &str,
        write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
    ) -> anyhow::Result<String> {
        debug_assert!(
            !path.starts_with('/') && !path.split('/').any(|part| part == ".." || part.is_empty())
        );
        // Photos are already compressed; storing them saves time and changes nothing in size.
        let method = if path.starts_with("photos/") && !path.ends_with(".csv") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        self.zip.start_file(path, SimpleFileOptions::default().compression_method(method))?;
        let mut entry = Entry { zip: &mut self.zip, hash: Sha256::new() };
        write(&mut entry)?;
        let sum = hex(&entry.hash.finalize());
        self.sums.push((path.to_owned(), sum.clone()));
        Ok(sum)
    }
}

/// vCard (RFC 6350) has no place for control characters other than line breaks, which the
/// writer escapes; anything else would make the file unreadable to address books.
fn vcard_text(text: &str) -> String {
    text.replace("\r\n", "\n").chars().filter(|c| !c.is_control() || *c == '\n').collect()
}

/// Stored times are always in range; an impossible one is left blank rather than failing the
/// whole archive.
fn rfc3339(at: i64) -> String {
    clock::rfc3339(at).unwrap_or_default()
}

/// A file name that is safe on Windows, macOS and Linux whatever the data: letters and digits
/// of any script, spaces, `-` and `_`; nothing else, no leading or trailing dots or spaces,
/// at most 60 characters. Callers prefix a number, so no two names collide and none is a
/// reserved device name.
pub fn safe_name(text: &str, fallback: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' || c == ' ' { c } else { '_' })
        .take(60)
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == ' ' || c == '.' || c == '_');
    if trimmed.is_empty() { fallback.to_owned() } else { trimmed.to_owned() }
}

#[derive(Serialize)]
struct NoteOut<'a> {
    file: String,
    title: &'a str,
    body: &'a str,
    updated_at: String,
}

#[derive(Serialize)]
struct MessageOut<'a> {
    peer: &'a str,
    direction: &'static str,
    body: &'a str,
    sent_at: String,
}

async fn build(state: &AppState, job: &ExportRow) -> anyhow::Result<()> {
    let account =
        AccountId::parse(&job.account_id).ok_or_else(|| anyhow::anyhow!("bad account id"))?;
    let row = store::accounts::find(&state.db, &account)
        .await?
        .ok_or_else(|| anyhow::anyhow!("account gone"))?;
    let inventory = store::inventory::inventory(&state.db, &account, state.clock.unix()).await?;
    let warranties = store::holdings::warranties(&state.db, &account).await?;
    let total =
        i64::from(inventory.contacts + inventory.notes + inventory.messages + inventory.photos)
            + i64::from(inventory.purchases + inventory.devices + inventory.forum_posts)
            + warranties.len() as i64;

    let dir = state.config_export_dir();
    fs::create_dir_all(&dir)?;
    let part = dir.join(format!("{}.zip.part", job.id));
    let mut archive =
        Archive { zip: ZipWriter::new(BufWriter::new(File::create(&part)?)), sums: Vec::new() };
    let mut done = 0i64;
    let report = async |done: i64| -> sqlx::Result<()> {
        let bytes = fs::metadata(&part).map(|m| m.len() as i64).unwrap_or(0);
        let until = state.clock.unix() + LEASE_SECS;
        let mut db = state.write_connection().await?;
        store::exports::progress(&mut *db, &job.id, done, total, bytes, until).await
    };

    let contacts = store::holdings::contacts(&state.db, &account).await?;
    archive.file("contacts.vcf", |out| {
        for contact in &contacts {
            let mut card = VcardBuilder::new(vcard_text(&contact.full_name));
            if let Some(phone) = &contact.phone {
                card = card.telephone(vcard_text(phone));
            }
            if let Some(email) = &contact.email {
                card = card.email(vcard_text(email));
            }
            if let Some(org) = &contact.organization {
                card = card.org(vec![vcard_text(org)]);
            }
            if let Some(note) = &contact.note {
                card = card.note(vcard_text(note));
            }
            write!(out, "{}", card.finish())?;
        }
        Ok(())
    })?;
    done += contacts.len() as i64;
    drop(contacts);
    report(done).await?;

    let notes = store::holdings::notes(&state.db, &account).await?;
    let mut index = Vec::with_capacity(notes.len());
    for (n, note) in notes.iter().enumerate() {
        let file = format!("notes/{:03}-{}.md", n + 1, safe_name(&note.title, "note"));
        archive.file(&file, |out| Ok(write!(out, "# {}\n\n{}\n", note.title, note.body)?))?;
        index.push(NoteOut {
            file,
            title: &note.title,
            body: &note.body,
            updated_at: rfc3339(note.updated_at),
        });
    }
    archive.file("notes.json", |out| Ok(serde_json::to_writer_pretty(out, &index)?))?;
    done += notes.len() as i64;
    report(done).await?;

    let messages = store::holdings::messages(&state.db, &account).await?;
    let out: Vec<MessageOut> = messages
        .iter()
        .map(|m| MessageOut {
            peer: &m.peer,
            direction: if m.outgoing { "sent" } else { "received" },
            body: &m.body,
            sent_at: rfc3339(m.sent_at),
        })
        .collect();
    archive.file("messages.json", |w| Ok(serde_json::to_writer_pretty(w, &out)?))?;
    done += messages.len() as i64;
    report(done).await?;

    let mut manifest: Vec<[String; 4]> = Vec::new();
    let mut after = 0;
    loop {
        let batch = store::holdings::photos_page(&state.db, &account, after, PHOTO_BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for photo in &batch {
            let file = format!("photos/{}-{}", photo.id, safe_name(&photo.file_name, "photo"));
            let file = if file.ends_with(".png") { file } else { format!("{file}.png") };
            let sum = archive.file(&file, |out| Ok(out.write_all(&photo.content)?))?;
            manifest.push([file, photo.bytes.to_string(), rfc3339(photo.taken_at), sum]);
        }
        done += batch.len() as i64;
        report(done).await?;
    }
    archive.file("photos/manifest.csv", |out| {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(["file", "bytes", "taken_at", "sha256"])?;
        for row in &manifest {
            csv.write_record(row)?;
        }
        csv.flush()?;
        Ok(())
    })?;

    let purchases = store::holdings::purchases(&state.db, &account).await?;
    archive.file("purchases.csv", |out| {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(["order_number", "item", "amount", "currency", "purchased_at", "status"])?;
        for p in &purchases {
            let amount = format!("{}.{:02}", p.amount_minor / 100, p.amount_minor % 100);
            csv.write_record([
                &p.order_number,
                &p.item,
                &amount,
                &p.currency,
                &rfc3339(p.purchased_at),
                &p.status,
            ])?;
        }
        csv.flush()?;
        Ok(())
    })?;
    archive.file("warranties.csv", |out| {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(["order_number", "item", "coverage", "expires_at"])?;
        for w in &warranties {
            csv.write_record([&w.order_number, &w.item, &w.coverage, &rfc3339(w.expires_at)])?;
        }
        csv.flush()?;
        Ok(())
    })?;
    done += (purchases.len() + warranties.len()) as i64;

    let devices: Vec<_> = store::devices::list(&state.db, &account)
        .await?
        .iter()
        .map(|d| d.to_wire())
        .collect::<anyhow::Result<_>>()?;
    archive.file("devices.json", |out| Ok(serde_json::to_writer_pretty(out, &devices)?))?;
    let posts = store::holdings::forum_posts(&state.db, &account).await?;
    archive.file("forum_posts.json", |out| Ok(serde_json::to_writer_pretty(out, &posts)?))?;
    done += (devices.len() + posts.len()) as i64;

    let language = Language::from_tag(&row.language);
    archive.file("README.txt", |out| Ok(out.write_all(readme(language, &row.name).as_bytes())?))?;
    let sums: String = archive.sums.iter().map(|(path, sum)| format!("{sum}  {path}\n")).collect();
    archive.zip.start_file("SHA256SUMS", SimpleFileOptions::default())?;
    archive.zip.write_all(sums.as_bytes())?;
    archive.zip.finish()?.flush()?;
    report(done).await?;

    let path = archive_path(state, &job.id);
    fs::rename(&part, &path)?;
    let (bytes, sha256) = file_sha256(&path)?;
    let now = state.clock.unix();
    let mut db = state.write_connection().await?;
    store::exports::ready(&mut *db, &job.id, bytes as i64, &sha256, now, now + VALID_SECS).await?;
    Ok(())
}

/// Size and hex SHA-256 of a file, read in small pieces.
pub fn file_sha256(path: &Path) -> io::Result<(u64, String)> {
    let mut file = File::open(path)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        total += n as u64;
    }
    Ok((total, hex(&hash.finalize())))
}

fn readme(language: Language, name: &str) -> String {
    match language {
        Language::En => format!(
            "Your Farewell data, {name}\r\n\r\n\
             contacts.vcf        your contacts (vCard 4.0; most address books import it)\r\n\
             notes/*.md          each note as a text file; notes.json has them all\r\n\
             messages.json       your messages\r\n\
             photos/             your cloud photos; photos/manifest.csv lists them\r\n\
             purchases.csv       your store orders: keep it as proof of purchase\r\n\
             warranties.csv      your warranties, with their end dates\r\n\
             devices.json        the devices linked to your account\r\n\
             forum_posts.json    what you wrote in the forum\r\n\
             SHA256SUMS          a checksum of every file (check with: sha256sum -c SHA256SUMS)\r\n"
        ),
        Language::ZhCn => format!(
            "{name}，这是你的 Farewell 数据\r\n\r\n\
             contacts.vcf        联系人（vCard 4.0，大多数通讯录可导入）\r\n\
             notes/*.md          每条便签一个文本文件；notes.json 包含全部便签\r\n\
             messages.json       短信\r\n\
             photos/             云端照片；photos/manifest.csv 为照片清单\r\n\
             purchases.csv       商城订单：请保存作为购买凭证\r\n\
             warranties.csv      保修信息及到期日期\r\n\
             devices.json        与账号关联的设备\r\n\
             forum_posts.json    你在论坛发表的内容\r\n\
             SHA256SUMS          每个文件的校验值（校验方法：sha256sum -c SHA256SUMS）\r\n"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_whatever_the_data() {
        assert_eq!(safe_name("../../etc/passwd", "x"), "etc_passwd");
        assert_eq!(safe_name("a\0b", "x"), "a_b");
        assert_eq!(safe_name("CON", "x"), "CON");
        assert_eq!(safe_name("...", "note"), "note");
        assert_eq!(safe_name("购物清单 🛒", "x"), "购物清单");
        assert_eq!(safe_name("\u{202E}gnp.exe", "x"), "gnp_exe");
        assert_eq!(safe_name(&"x".repeat(500), "n").chars().count(), 60);
        for hostile in ["a/b", "a\\b", "a:b", "a*b", "a?b", "a\"b", "a<b>", "a|b", " trailing. "] {
            let name = safe_name(hostile, "x");
            assert!(!name.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|']), "{name}");
            assert!(!name.ends_with(['.', ' ']) && !name.starts_with(['.', ' ']), "{name}");
        }
    }
}
