//! The deletion receipt: what was deleted, anonymized or revoked, how much, and when — signed
//! with the server's Ed25519 key so the person can prove it later.

use base64::{Engine, engine::general_purpose::STANDARD};
use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Deleted,
    Anonymized,
    Revoked,
    Forfeited,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub category: String,
    pub count: u64,
    pub action: Action,
    /// RFC 3339: when this category was done.
    pub at: String,
}

/// The signed document. Field order is fixed, so its JSON is the same bytes every time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub version: u32,
    pub reference: String,
    pub requested_at: String,
    pub purged_at: String,
    pub categories: Vec<Category>,
    /// SHA-256 of the data archive the person downloaded before the purge, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_sha256: Option<String>,
}

/// A receipt as sent: its JSON, and the base64 Ed25519 signature of exactly those bytes.
pub struct SignedReceipt {
    pub json: String,
    pub signature: String,
}

impl Receipt {
    pub fn sign(&self, key: &SigningKey) -> SignedReceipt {
        let json = serde_json::to_string(self).expect("a receipt always serializes");
        let signature = STANDARD.encode(key.sign(json.as_bytes()).to_bytes());
        SignedReceipt { json, signature }
    }
}

/// The server's signing key from its 32-byte stored seed.
pub fn signing_key(seed: &[u8]) -> anyhow::Result<SigningKey> {
    let seed: [u8; 32] =
        seed.try_into().map_err(|_| anyhow::anyhow!("receipt key must be 32 bytes"))?;
    Ok(SigningKey::from_bytes(&seed))
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::{Signature, Verifier};

    use super::*;

    #[test]
    fn a_signed_receipt_verifies_and_a_tampered_one_does_not() {
        let key = signing_key(&[7u8; 32]).unwrap();
        let receipt = Receipt {
            version: 1,
            reference: "DEL-ABCD-EFGH".into(),
            requested_at: "2026-11-26T00:00:00Z".into(),
            purged_at: "2026-12-26T00:00:00Z".into(),
            categories: vec![Category {
                category: "cloud_photos".into(),
                count: 240,
                action: Action::Deleted,
                at: "2026-12-26T00:00:00Z".into(),
            }],
            export_sha256: None,
        };
        let signed = receipt.sign(&key);
        let bytes: [u8; 64] = STANDARD.decode(&signed.signature).unwrap().try_into().unwrap();
        let signature = Signature::from_bytes(&bytes);
        let public = key.verifying_key();
        assert!(public.verify(signed.json.as_bytes(), &signature).is_ok());
        let tampered = signed.json.replace("240", "24");
        assert!(public.verify(tampered.as_bytes(), &signature).is_err());
    }
}
