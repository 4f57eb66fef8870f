//! Secrets: a real-looking secret example stops the run, a placeholder is written as it is,
//! and the credential detector tells the two apart.

use proptest::prelude::*;
use seisei::model::secrets::credential_kind;
use serde_json::json;

use super::strategies::*;
use super::*;
use crate::support::readers::read_dotenv;

/// A secret variable whose example or default looks real stops the whole run (E0502), so
/// its value reaches no file.
#[test]
fn real_looking_secret_examples_stop_the_run() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    let strategy = (credential(), any::<bool>(), any::<bool>());
    proptest!(config(SECRET_CASES), |((secret, as_default, required) in strategy)| {
        let field = if as_default { "default" } else { "example" };
        let mut variable = json!({ "description": "API token", "secret": true, "required": required });
        variable[field] = json!(secret);
        let spec = small_platform(&variable);
        let text = spec_text(&spec);
        std::fs::write(&spec_path, &text).expect("write the spec");
        match seisei::compile(&spec_path) {
            Ok(compiled) => {
                let leaked: Vec<&str> = compiled
                    .artifacts
                    .iter()
                    .filter(|a| String::from_utf8_lossy(&a.bytes).contains(secret.as_str()))
                    .map(|a| a.path.as_str())
                    .collect();
                prop_assert!(false, "a secret {field} that looks real compiled; it is in {leaked:?}");
            }
            Err((_, problems)) => {
                prop_assert!(
                    problems.iter().any(|d| d.code == seisei::diagnostics::Code::SecretValue),
                    "no E0502 among {:?}",
                    problems.iter().map(|d| d.code.id()).collect::<Vec<_>>()
                );
            }
        }
    });
}

/// A secret's placeholder example is what `.env.example` shows, byte for byte.
#[test]
fn placeholder_secret_examples_are_written_as_they_are() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let spec_path = dir.path().join("platform.yaml");
    proptest!(config(SECRET_CASES), |(placeholder in placeholder())| {
        let variable = json!({ "description": "API token", "secret": true, "example": placeholder });
        let spec = small_platform(&variable);
        let text = spec_text(&spec);
        std::fs::write(&spec_path, &text).expect("write the spec");
        let compiled = compile(&spec_path, &text)?;
        let env = compiled
            .artifacts
            .iter()
            .find(|a| a.path.ends_with("app/.env.example"))
            .expect("the app's .env.example");
        let entries = read_dotenv(&String::from_utf8_lossy(&env.bytes));
        prop_assert_eq!(entries, Ok(vec![("TOKEN".to_owned(), placeholder.clone())]));
    });
}

// ---------------------------------------------------------------------------------------
// The credential detector.
// ---------------------------------------------------------------------------------------

#[test]
fn the_credential_detector_catches_real_looking_keys() {
    let fixed = [
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
        "ghp_Zx81kQ0pL2mN4vB7cR9tY3wE6uI5oA1sD2fG",
        "sk-live4f8Kq2LmN9pR3sT6vW1xY5zA7bC0dE",
        "AKIAZ7Q4M2N8P5R1T6W3",
        "xoxb-2048-1234567890-AbCdEfGhIjKl",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVlLXRoYXQtaXMtbG9uZw",
        "9fQz2LkX7vB4nR8mW3tY6pH1sJ5dG0cA",
    ];
    for sample in fixed {
        assert!(
            credential_kind(sample).is_some(),
            "{sample:?} must be caught"
        );
    }
    // ChaCha, not the suite's XorShift, whose draws are not uniform enough for a property
    // about entropy: keys that must read as random are drawn with the stronger generator.
    let strong = proptest::test_runner::Config {
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..config(FUNCTION_CASES)
    };
    proptest!(strong, |(secret in credential(), wrapper in 0..5_usize)| {
        // Credentials are pasted alone, into URLs, assignments and headers.
        let pasted = match wrapper {
            0 => secret.clone(),
            1 => format!("postgres://app:{secret}@db:5432/app"),
            2 => format!("TOKEN={secret}"),
            3 => format!("Authorization: Bearer {secret}"),
            _ => format!("  {secret}\n"),
        };
        prop_assert!(credential_kind(&pasted).is_some(), "{pasted:?} was not caught");
    });
}

#[test]
fn the_credential_detector_leaves_placeholders_alone() {
    let fixed = [
        "change-me",
        "changeme",
        "CHANGE_ME",
        "replace-me",
        "<your-api-token>",
        "your-token-here",
        "xxxxxxxxxxxxxxxx",
        "postgres://crm:change-me@crm-db:5432/crm",
        "${GITHUB_TOKEN}",
        "sk-...",
        "ghp_...",
        "AKIA...",
        "ghcr.io/seisei/crm-api:1.4.2",
        "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
        "/var/lib/postgresql/data/pgdata",
        "PostgreSQL connection string for the CRM",
    ];
    for sample in fixed {
        assert_eq!(credential_kind(sample), None, "{sample:?}");
    }
    proptest!(config(FUNCTION_CASES), |(text in placeholder())| {
        prop_assert_eq!(credential_kind(&text), None, "{:?}", text);
    });
    proptest!(config(FUNCTION_CASES), |(text in ordinary_value())| {
        prop_assert_eq!(credential_kind(&text), None, "{:?}", text);
    });
}
