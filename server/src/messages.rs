//! The words of every email and SMS, in the account's language (English or Simplified Chinese).

use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    En,
    ZhCn,
}

impl Language {
    /// The account's stored tag; anything unknown falls back to English.
    pub fn from_tag(tag: &str) -> Self {
        if tag.eq_ignore_ascii_case("zh-CN") { Self::ZhCn } else { Self::En }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::ZhCn => "zh-CN",
        }
    }
}

pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// "30 December 2026" / "2026年12月30日" (UTC).
pub fn date(lang: Language, at: OffsetDateTime) -> String {
    match lang {
        Language::En => format!("{} {} {}", at.day(), at.month(), at.year()),
        Language::ZhCn => format!("{}年{}月{}日", at.year(), u8::from(at.month()), at.day()),
    }
}

pub fn code_email(lang: Language, code: &str) -> Rendered {
    match lang {
        Language::En => Rendered {
            subject: "Your code to close your Farewell account".into(),
            body: format!(
                "Your verification code is {code}\n\n\
                 Enter it on the \"Verify it's you\" page. It works once, for 10 minutes.\n\n\
                 If you did not ask to close your account, do not share this code with anyone, \
                 and change your password: someone may know it."
            ),
        },
        Language::ZhCn => Rendered {
            subject: "你的 Farewell 注销账号验证码".into(),
            body: format!(
                "你的验证码是 {code}\n\n\
                 请在“验证身份”页面输入。验证码仅可使用一次，10 分钟内有效。\n\n\
                 如果你没有申请注销账号，请勿将验证码告诉任何人，并尽快修改密码。"
            ),
        },
    }
}

pub fn code_sms(lang: Language, code: &str) -> Rendered {
    match lang {
        Language::En => Rendered {
            subject: String::new(),
            body: format!(
                "Farewell: {code} is your code to close your account. Valid for 10 minutes. \
                 Never share it."
            ),
        },
        Language::ZhCn => Rendered {
            subject: String::new(),
            body: format!("【Farewell】验证码 {code}，用于注销账号，10 分钟内有效。请勿告诉他人。"),
        },
    }
}

pub struct DeletionConfirmed<'a> {
    pub name: &'a str,
    pub reference: &'a str,
    pub scheduled_for: OffsetDateTime,
    pub cancel_url: &'a str,
}

pub fn deletion_confirmed(lang: Language, facts: &DeletionConfirmed<'_>) -> Rendered {
    let DeletionConfirmed { name, reference, cancel_url, .. } = facts;
    let when = date(lang, facts.scheduled_for);
    match lang {
        Language::En => Rendered {
            subject: format!("Your Farewell account will be closed on {when}"),
            body: format!(
                "Hello {name},\n\n\
                 We received your request to close your account. Reference: {reference}\n\n\
                 What happens next:\n\
                 1. You have been signed out everywhere.\n\
                 2. Until {when} you can change your mind: sign in, or use the link below.\n\
                 3. We will remind you 7 days and 1 day before.\n\
                 4. On {when} we delete your data. Fully processing it may take up to 15 business \
                 days. We then send a receipt of what was deleted.\n\n\
                 Changed your mind? Cancel with one click (no sign-in needed, works once):\n\
                 {cancel_url}\n\n\
                 If you did not ask for this, cancel now and change your password."
            ),
        },
        Language::ZhCn => Rendered {
            subject: format!("你的 Farewell 账号将于 {when} 注销"),
            body: format!(
                "{name}，你好：\n\n\
                 我们已收到你的注销账号申请。申请编号：{reference}\n\n\
                 接下来会发生什么：\n\
                 1. 你已在所有设备上退出登录。\n\
                 2. 在 {when} 之前，你可以随时改变主意：登录账号，或使用下方链接。\n\
                 3. 我们会在注销前 7 天和 1 天提醒你。\n\
                 4. {when} 起我们将删除你的数据，完全处理完毕可能需要最多 15 个工作日。\
                 之后我们会发送删除回执。\n\n\
                 改变主意了？点击以下链接即可撤销（无需登录，仅可使用一次）：\n\
                 {cancel_url}\n\n\
                 如果这不是你本人的操作，请立即撤销并修改密码。"
            ),
        },
    }
}

pub struct Reminder<'a> {
    pub name: &'a str,
    pub scheduled_for: OffsetDateTime,
    pub cancel_url: &'a str,
}

pub fn reminder(lang: Language, facts: &Reminder<'_>) -> Rendered {
    let Reminder { name, cancel_url, .. } = facts;
    let when = date(lang, facts.scheduled_for);
    match lang {
        Language::En => Rendered {
            subject: format!("Reminder: your Farewell account will be closed on {when}"),
            body: format!(
                "Hello {name},\n\n\
                 Your account and its data will be deleted on {when}. If that is still what you \
                 want, you need to do nothing.\n\n\
                 Changed your mind? Cancel with one click (no sign-in needed, works once):\n\
                 {cancel_url}"
            ),
        },
        Language::ZhCn => Rendered {
            subject: format!("提醒：你的 Farewell 账号将于 {when} 注销"),
            body: format!(
                "{name}，你好：\n\n\
                 你的账号及数据将于 {when} 删除。如果你仍然希望注销，无需任何操作。\n\n\
                 改变主意了？点击以下链接即可撤销（无需登录，仅可使用一次）：\n\
                 {cancel_url}"
            ),
        },
    }
}

pub fn cancelled(lang: Language, name: &str) -> Rendered {
    match lang {
        Language::En => Rendered {
            subject: "Your Farewell account is staying".into(),
            body: format!(
                "Hello {name},\n\n\
                 You cancelled closing your account. Everything is as it was: your photos, \
                 contacts, notes, purchases and wallet are all still here.\n\n\
                 If you did not cancel, sign in and change your password."
            ),
        },
        Language::ZhCn => Rendered {
            subject: "你的 Farewell 账号已保留".into(),
            body: format!(
                "{name}，你好：\n\n\
                 你已撤销注销账号申请。一切保持原样：你的照片、联系人、便签、购买记录和余额都还在。\n\n\
                 如果这不是你本人的操作，请登录并修改密码。"
            ),
        },
    }
}

pub struct ReceiptMail<'a> {
    pub name: &'a str,
    pub reference: &'a str,
    pub summary: &'a [(String, u64, &'static str)],
    pub json: &'a str,
    pub signature: &'a str,
    pub key_url: &'a str,
}

pub fn receipt(lang: Language, facts: &ReceiptMail<'_>) -> Rendered {
    let ReceiptMail { name, reference, json, signature, key_url, .. } = facts;
    let lines: String = facts
        .summary
        .iter()
        .map(|(category, count, action)| format!("- {category}: {count} {action}\n"))
        .collect();
    match lang {
        Language::En => Rendered {
            subject: format!("Your Farewell account has been deleted ({reference})"),
            body: format!(
                "Hello {name},\n\n\
                 As you asked, your account has been deleted. This is the last email we send \
                 to this address; we do not keep it.\n\n{lines}\n\
                 Signed receipt (JSON):\n{json}\n\n\
                 Signature (Ed25519, base64): {signature}\n\
                 Verify it with the public key at {key_url}"
            ),
        },
        Language::ZhCn => Rendered {
            subject: format!("你的 Farewell 账号已删除（{reference}）"),
            body: format!(
                "{name}，你好：\n\n\
                 按照你的申请，你的账号已删除。这是我们发往此地址的最后一封邮件，我们不会保留该地址。\n\n{lines}\n\
                 签名回执（JSON）：\n{json}\n\n\
                 签名（Ed25519，base64）：{signature}\n\
                 可使用 {key_url} 上的公钥验证"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn dates_read_naturally_in_both_languages() {
        let at = datetime!(2026-12-30 10:00 UTC);
        assert_eq!(date(Language::En, at), "30 December 2026");
        assert_eq!(date(Language::ZhCn, at), "2026年12月30日");
    }

    #[test]
    fn every_message_carries_the_code_in_both_languages() {
        for lang in [Language::En, Language::ZhCn] {
            assert!(code_email(lang, "482913").body.contains("482913"));
            assert!(code_sms(lang, "482913").body.contains("482913"));
        }
    }
}
