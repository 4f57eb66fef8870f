//! Detects strings that look like real credentials, so a key pasted into platform.yaml is
//! refused before it reaches a repository. Input: one string; output: what it looks like.

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
