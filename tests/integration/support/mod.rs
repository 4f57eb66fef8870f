//! Helpers shared by the test files: readers that see the generated text as its consumers do,
//! checks that compare each output with the model, the hostile platform, the real tools (where
//! they are, how a tree is laid out for them, how Traefik is started), and small helpers.

pub mod checks;
pub mod cli;
pub mod findings;
pub mod hostile_platform;
pub mod oracle;
pub mod readers;
pub mod tls_backend;
pub mod traefik;
pub mod traefik_l4;

pub use oracle::*;
