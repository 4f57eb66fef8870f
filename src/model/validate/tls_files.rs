//! Certificate files that Traefik reads inside its container (a TLS store's default
//! certificate and key, a servers transport's root CAs) must be on one of its mounts: a
//! missing file disables the store's certificate or every router whose service uses the
//! transport, and Traefik only says so in its log.

use super::Checker;
use crate::model::Model;

impl Checker<'_> {
    pub(super) fn tls_files(&mut self, model: &Model) {
        let traefik = &self.source.spec.traefik;
        let mut files: Vec<(Vec<String>, String)> = Vec::new();
        for (name, store) in &traefik.tls_stores {
            if let Some(certificate) = &store.default_certificate {
                for (field, path) in [
                    ("certFile", &certificate.cert_file),
                    ("keyFile", &certificate.key_file),
                ] {
                    let at = ["traefik", "tls_stores", name, "defaultCertificate", field];
                    files.push((at.map(str::to_owned).to_vec(), path.clone()));
                }
            }
        }
        for (name, transport) in &traefik.servers_transports {
            for (i, ca) in transport.root_cas.iter().enumerate() {
                let at = [
                    "traefik",
                    "servers_transports",
                    name,
                    "rootCAs",
                    &i.to_string(),
                ];
                files.push((at.map(str::to_owned).to_vec(), ca.clone()));
            }
        }
        for (at, path) in files {
            // A relative path is refused on its own (`tls`); only absolute ones are located.
            if path.starts_with('/') {
                let at: Vec<&str> = at.iter().map(String::as_str).collect();
                self.on_mount(model, &at, &path, "certificate file");
            }
        }
    }
}
