//! Detects strings that look like real credentials, so a key pasted into platform.yaml is
//! refused before it reaches a repository, and says which strings are placeholders, the only
//! examples and defaults a secret variable may have. Input: one string; output: what it looks
//! like.

/// The placeholder rule, as diagnostics state it.
pub const PLACEHOLDER_RULE: &str = "the whole value, or the password of a URL (`scheme://user:PASSWORD@host`), must be empty or a placeholder: `change-me`, `changeme`, `change_me`, `replace-me` (each may go on with `-words`, as `change-me-in-prod`), `<words>` such as `<your-token>`, `your-words` such as `your-api-key`, `example` or `example-words`, or only x's (`xxxx`)";

/// Whether `value` is a placeholder by [`PLACEHOLDER_RULE`]: the whole value, not a part of
/// it, has one of a few fixed forms, so a real password that happens to contain `<`,
/// `example` or `xxxx` is not mistaken for one. A URL with a user and password is a
/// placeholder when its password is (`postgres://app:change-me@db/app`) and nothing else in it
/// looks like a credential.
///
/// A word is ASCII letters followed by optional digits (`token`, `base64`, `v2`), so the
/// free part of a form cannot carry a random string: `change-me-Zr8kQ2vL` is refused.
pub fn is_placeholder(value: &str) -> bool {
    if is_placeholder_form(value) {
        return true;
    }
    // `scheme://user:password@rest`: the password decides.
    let Some((scheme, rest)) = value.split_once("://") else {
        return false;
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let Some((userinfo, _host)) = authority.rsplit_once('@') else {
        return false;
    };
    let Some((_user, password)) = userinfo.split_once(':') else {
        return false;
    };
    is_placeholder_form(password) && credential_kind(value).is_none()
}

/// One of the placeholder forms of [`PLACEHOLDER_RULE`], for the whole of `value`.
fn is_placeholder_form(value: &str) -> bool {
    if value.is_empty() {
        return true;
    }
    if let Some(inner) = value.strip_prefix('<').and_then(|v| v.strip_suffix('>')) {
        return words(inner, &['-', '_', ' ']);
    }
    let lower = value.to_ascii_lowercase();
    if lower.len() >= 3 && lower.bytes().all(|b| b == b'x') {
        return true;
    }
    for base in [
        "change-me",
        "changeme",
        "change_me",
        "replace-me",
        "replaceme",
        "replace_me",
        "example",
    ] {
        if let Some(rest) = lower.strip_prefix(base) {
            if rest.is_empty() {
                return true;
            }
            if let Some(tail) = rest.strip_prefix(['-', '_']) {
                return words(tail, &['-', '_']);
            }
        }
    }
    for base in ["your-", "your_"] {
        if let Some(tail) = lower.strip_prefix(base) {
            return words(tail, &['-', '_']);
        }
    }
    false
}

/// One or more words joined by single `separators`; a word is ASCII letters, then optional
/// digits.
fn words(text: &str, separators: &[char]) -> bool {
    !text.is_empty()
        && text.split(separators).all(|word| {
            let letters = word.bytes().take_while(u8::is_ascii_alphabetic).count();
            letters > 0 && word.bytes().skip(letters).all(|b| b.is_ascii_digit())
        })
}

/// Why a string looks like a credential, or `None`.
pub fn credential_kind(value: &str) -> Option<&'static str> {
    // Every pattern below is at least this long; most scalars of a spec are shorter, and
    // this runs on all of them.
    if value.len() < SHORTEST {
        return None;
    }
    let trimmed = value.trim();
    if trimmed.contains("-----BEGIN") && trimmed.contains("PRIVATE KEY") {
        return Some("a private key block");
    }
    // Credentials hide inside URLs and assignments: split on their punctuation too.
    for word in trimmed.split(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '=' | ',' | ';' | ':' | '@' | '/')
    }) {
        if let Some(kind) = token_kind(word) {
            return Some(kind);
        }
    }
    None
}

/// The shortest credential recognised: a Slack prefix (`xoxb-`) and ten characters.
const SHORTEST: usize = 15;

fn token_kind(word: &str) -> Option<&'static str> {
    if word.len() < SHORTEST {
        return None;
    }
    let tail_len = |prefix: &str| {
        word.strip_prefix(prefix).map_or(0, |rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .count()
        })
    };
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|p| tail_len(p) >= 30)
        || tail_len("github_pat_") >= 40
    {
        return Some("a GitHub token");
    }
    if tail_len("sk-") >= 20 {
        return Some("an API secret key (`sk-…`)");
    }
    if word.len() >= 20
        && word.starts_with("AKIA")
        && word[4..20]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"]
        .iter()
        .any(|p| tail_len(p) >= 10)
    {
        return Some("a Slack token");
    }
    if is_jwt(word) {
        return Some("a JSON Web Token");
    }
    if looks_random(word) {
        return Some("a long random string");
    }
    None
}

/// Three base64url segments, the first two decoding to JSON objects (`eyJ` is `{"`).
fn is_jwt(word: &str) -> bool {
    let mut parts = word.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    header.starts_with("eyJ")
        && payload.starts_with("eyJ")
        && [header, payload, signature].iter().all(|p| {
            p.len() >= 10
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// A long token of mixed letters and digits with high entropy. Paths, URLs, hex digests
/// and words joined by `-` or `_` are left alone: their alphabet or shape gives them away.
fn looks_random(word: &str) -> bool {
    if word.len() < 32 || word.contains('.') {
        return false;
    }
    if !word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '=' | '_' | '-'))
    {
        return false;
    }
    let has_upper = word.chars().any(|c| c.is_ascii_uppercase());
    let has_lower = word.chars().any(|c| c.is_ascii_lowercase());
    let has_digit = word.chars().any(|c| c.is_ascii_digit());
    if !(has_upper && has_lower && has_digit) {
        return false;
    }
    entropy(word) >= 4.2
}

/// Shannon entropy in bits per character.
#[allow(clippy::cast_precision_loss)]
fn entropy(word: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in word.bytes() {
        counts[usize::from(b)] += 1;
    }
    let len = word.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = *c as f64 / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_real_looking_credentials() {
        let samples = [
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
            "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
            "sk-proj4f8Kq2LmN9pR3sT6vW1xY5zA7bC0dE",
            "AKIAIOSFODNN7EXAMPLE",
            "xoxb-123456789012-abcdefghij",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "Kq7vX2mP9zR4tW8yB3nF6hJ1sD5gL0cA",
            "postgres://crm:ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8@db/crm",
        ];
        for sample in samples {
            assert!(credential_kind(sample).is_some(), "{sample}");
        }
    }

    #[test]
    fn placeholders_are_whole_forms() {
        for placeholder in [
            "",
            "change-me",
            "CHANGEME",
            "change-me-in-prod",
            "replace-me-with-the-token",
            "<your-token>",
            "<api key>",
            "your-api-key",
            "example",
            "example-token2",
            "xxxx",
            "XXXXXXXX",
            "postgres://app:change-me@db:5432/app",
            "postgresql://erp:<password>@db.example.net/erp",
        ] {
            assert!(is_placeholder(placeholder), "{placeholder:?}");
        }
        for real in [
            "q7#Lm<2Rz!vX9$wK4pT",
            "postgresql://erp:Zr8kQ2vLp9Xw4TnB@db.example.net/erp",
            "S3cure<Pa55>2024!",
            "<Zr8kQ2vLp9Xw4TnB>",
            "change-me-Zr8kQ2vL",
            "my-example-password",
            "xxxx1234",
            "your-",
            "<>",
            "hunter2",
            "https://hooks.example.com/T000/B000/abc",
            "postgres://app@db/app",
        ] {
            assert!(!is_placeholder(real), "{real:?}");
        }
    }

    #[test]
    fn leaves_placeholders_and_ordinary_values_alone() {
        let samples = [
            "change-me",
            "postgres://crm:change-me@crm-db:5432/crm",
            "ghcr.io/seisei/crm-api:1.4.2",
            "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
            "CRM_DATABASE_URL",
            "a-very-long-but-ordinary-kebab-case-identifier-name",
            "/var/lib/postgresql/data/pgdata/some/long/path/segment",
            "sk-1",
            "PostgreSQL connection",
        ];
        for sample in samples {
            assert_eq!(credential_kind(sample), None, "{sample}");
        }
    }
}
