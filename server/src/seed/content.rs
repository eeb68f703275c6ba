//! What the demo accounts hold: generated photos, contacts, notes, messages, devices, store
//! purchases with warranties, a wallet, forum posts and third-party apps. Deterministic, so
//! every fresh dev database looks the same.

use std::io::Cursor;

use rand::{Rng, SeedableRng, rngs::StdRng};

use crate::{domain::AccountId, store};

const DAY: i64 = 86_400;

/// Everything one demo account holds, in shape only; `insert` writes it.
pub struct Holdings {
    pub photos: usize,
    pub contacts: usize,
    pub notes: usize,
    pub messages: usize,
    pub devices: &'static [DemoDevice],
    pub purchases: &'static [DemoPurchase],
    pub unpaid_instalment_minor: Option<i64>,
    pub wallet_minor: i64,
    pub forum_posts: usize,
    pub apps: &'static [(&'static str, &'static str)],
}

pub struct DemoDevice {
    pub id: &'static str,
    pub name: &'static str,
    pub model: &'static str,
    pub kind: &'static str,
    pub last_seen_days_ago: i64,
    pub find_my_device: bool,
}

pub struct DemoPurchase {
    pub order: &'static str,
    pub item: &'static str,
    pub amount_minor: i64,
    pub days_ago: i64,
    pub status: &'static str,
    /// Warranty length in days from the purchase, if any.
    pub warranty_days: Option<i64>,
}

const FIRST_NAMES: [&str; 20] = [
    "Ava", "Ben", "Chloe", "Daniel", "Emma", "Feng", "Grace", "Hiro", "Isla", "Jun", "Kai", "Lena",
    "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Wei",
];
const LAST_NAMES: [&str; 12] = [
    "Zhang", "Smith", "García", "Okafor", "Müller", "Tanaka", "Kim", "Rossi", "Novak", "Patel",
    "Wang", "Dubois",
];
const NOTE_TOPICS: [(&str, &str); 6] = [
    ("Groceries", "- oat milk\n- rice\n- green tea\n- tofu"),
    ("Wi-Fi at the cabin", "Network: Lakeside\nAsk Ben for the password."),
    ("Gift ideas", "Mum: gardening gloves\nJun: a good notebook"),
    ("Packing list", "Passport, chargers, adapter, sunscreen"),
    ("Books to read", "1. The Left Hand of Darkness\n2. Klara and the Sun"),
    ("Bike service", "Chain oiled in March; brakes next."),
];
const FORUM_TITLES: [&str; 6] = [
    "Battery tips for the 14 Pro",
    "How do I move photos to a new phone?",
    "Dark mode on the watch face",
    "Cloud backup stuck at 99%",
    "Best case for the tablet?",
    "Thanks to the support team",
];

pub async fn insert(
    tx: &mut store::Conn,
    account: &AccountId,
    holdings: &Holdings,
    author_name: &str,
    now: i64,
) -> sqlx::Result<()> {
    let id = account.as_str();
    let mut rng = StdRng::seed_from_u64(id.parse::<u64>().unwrap_or(7));

    for n in 0..holdings.photos {
        let image = photo(&mut rng);
        let taken_at = now - rng.gen_range(1..1500) * DAY;
        sqlx::query(
            "INSERT INTO photos (account_id, file_name, mime_type, bytes, taken_at, content)
             VALUES ($1, $2, 'image/png', $3, $4, $5)",
        )
        .bind(id)
        .bind(format!("IMG_{:04}.png", 1000 + n))
        .bind(image.len() as i64)
        .bind(taken_at)
        .bind(image)
        .execute(&mut *tx)
        .await?;
    }

    for n in 0..holdings.contacts {
        let first = FIRST_NAMES[n % FIRST_NAMES.len()];
        let last = LAST_NAMES[(n / FIRST_NAMES.len() + n) % LAST_NAMES.len()];
        sqlx::query(
            "INSERT INTO contacts (account_id, full_name, phone, email, organization, note)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(format!("{first} {last}"))
        .bind(format!("+1 555 {:04}", 2000 + n))
        .bind((n % 3 != 0).then(|| format!("{}.{}@example.net", first.to_lowercase(), n)))
        .bind((n % 5 == 0).then_some("Lakeside Cycling Club"))
        .bind((n % 7 == 0).then_some("Met at the phone launch, 2022"))
        .execute(&mut *tx)
        .await?;
    }

    for n in 0..holdings.notes {
        let (title, body) = NOTE_TOPICS[n % NOTE_TOPICS.len()];
        sqlx::query(
            "INSERT INTO notes (account_id, title, body, updated_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(title)
        .bind(body)
        .bind(now - rng.gen_range(1..400) * DAY)
        .execute(&mut *tx)
        .await?;
    }

    for n in 0..holdings.messages {
        let peer = FIRST_NAMES[n % 6];
        sqlx::query(
            "INSERT INTO messages (account_id, peer, outgoing, body, sent_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(peer)
        .bind(i64::from(n % 2 == 0))
        .bind(if n % 2 == 0 { "See you at six?" } else { "Yes! Bringing the photos." })
        .bind(now - (holdings.messages - n) as i64 * 3_600)
        .execute(&mut *tx)
        .await?;
    }

    for device in holdings.devices {
        sqlx::query(
            "INSERT INTO devices (id, account_id, name, model, kind, last_seen_at, signed_in, find_my_device)
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
        )
        .bind(device.id)
        .bind(id)
        .bind(device.name)
        .bind(device.model)
        .bind(device.kind)
        .bind(now - device.last_seen_days_ago * DAY)
        .bind(i64::from(device.find_my_device))
        .execute(&mut *tx)
        .await?;
    }

    for purchase in holdings.purchases {
        let purchased_at = now - purchase.days_ago * DAY;
        let purchase_id: i64 = sqlx::query_scalar(
            "INSERT INTO purchases (account_id, order_number, item, amount_minor, currency, purchased_at, status)
             VALUES ($1, $2, $3, $4, 'USD', $5, $6) RETURNING id",
        )
        .bind(id)
        .bind(purchase.order)
        .bind(purchase.item)
        .bind(purchase.amount_minor)
        .bind(purchased_at)
        .bind(purchase.status)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(days) = purchase.warranty_days {
            sqlx::query(
                "INSERT INTO warranties (account_id, purchase_id, coverage, expires_at)
                 VALUES ($1, $2, 'Manufacturer warranty: repairs and parts', $3)",
            )
            .bind(id)
            .bind(purchase_id)
            .bind(purchased_at + days * DAY)
            .execute(&mut *tx)
            .await?;
        }
        if let (Some(amount), "shipping") = (holdings.unpaid_instalment_minor, purchase.status) {
            sqlx::query(
                "INSERT INTO instalments (account_id, purchase_id, amount_minor, currency, due_at)
                 VALUES ($1, $2, $3, 'USD', $4)",
            )
            .bind(id)
            .bind(purchase_id)
            .bind(amount)
            .bind(now + 20 * DAY)
            .execute(&mut *tx)
            .await?;
        }
    }

    sqlx::query("INSERT INTO wallets (account_id, balance_minor, currency) VALUES ($1, $2, 'USD')")
        .bind(id)
        .bind(holdings.wallet_minor)
        .execute(&mut *tx)
        .await?;

    for n in 0..holdings.forum_posts {
        sqlx::query(
            "INSERT INTO forum_posts (account_id, author_name, title, body, posted_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(author_name)
        .bind(FORUM_TITLES[n % FORUM_TITLES.len()])
        .bind("Sharing what worked for me, in case it helps someone else.")
        .bind(now - rng.gen_range(10..900) * DAY)
        .execute(&mut *tx)
        .await?;
    }

    for (app, scopes) in holdings.apps {
        sqlx::query(
            "INSERT INTO app_grants (account_id, app_name, scopes, granted_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(app)
        .bind(scopes)
        .bind(now - rng.gen_range(30..700) * DAY)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// A small generated picture: a diagonal gradient between two random colours.
fn photo(rng: &mut StdRng) -> Vec<u8> {
    const WIDTH: u32 = 48;
    const HEIGHT: u32 = 36;
    let from: [u8; 3] = rng.r#gen();
    let to: [u8; 3] = rng.r#gen();
    let mut pixels = Vec::with_capacity((WIDTH * HEIGHT * 3) as usize);
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let t = (x + y) as f32 / (WIDTH + HEIGHT - 2) as f32;
            for c in 0..3 {
                pixels.push((from[c] as f32 * (1.0 - t) + to[c] as f32 * t) as u8);
            }
        }
    }
    let mut out = Cursor::new(Vec::new());
    {
        let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("in-memory PNG header");
        writer.write_image_data(&pixels).expect("in-memory PNG data");
    }
    out.into_inner()
}
