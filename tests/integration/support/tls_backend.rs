//! An HTTPS backend for the real-Traefik test: `openssl s_server -www` on a loopback port,
//! with a fresh self-signed certificate that is also the CA file `rootCAs` entries and the
//! TLS store's default certificate are rewritten to. So a servers transport that verifies
//! the server (`serverName` + `rootCAs`) is exercised for real, not only loaded.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The name the certificate is valid for; servers transports of the fixtures that verify
/// their server use it as `serverName`.
pub const SERVER_NAME: &str = "nas.lan";

/// A running `openssl s_server`, killed when dropped.
pub struct TlsBackend {
    child: Child,
    pub port: u16,
    /// The certificate (its own CA) and its key.
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsBackend {
    pub fn start(dir: &Path, port: u16) -> TlsBackend {
        let cert = dir.join("backend-cert.pem");
        let key = dir.join("backend-key.pem");
        let made = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ])
            .args(["-nodes", "-days", "2", "-subj", "/CN=seisei test backend"])
            .arg("-addext")
            .arg(format!("subjectAltName=DNS:{SERVER_NAME}"))
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run openssl req");
        assert!(made.success(), "openssl req could not make a certificate");
        // `-www` answers every GET with `HTTP/1.0 200 ok` and a status page.
        let child = Command::new("openssl")
            .args(["s_server", "-quiet", "-www", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run openssl s_server");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "openssl s_server did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        TlsBackend {
            child,
            port,
            cert,
            key,
        }
    }
}

impl Drop for TlsBackend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
