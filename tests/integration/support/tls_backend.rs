//! An HTTPS backend for the real-Traefik test: a small threaded Python HTTPS server on a
//! loopback port (`openssl s_server -www` serves one connection at a time and never answers
//! a POST, so one kept-alive connection stalled every later request), with a fresh
//! self-signed certificate that is also the CA file `rootCAs` entries and the
//! TLS store's default certificate are rewritten to. So a servers transport that verifies
//! the server (`serverName` + `rootCAs`) is exercised for real, not only loaded.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The name the certificate is valid for; servers transports of the fixtures that verify
/// their server use it as `serverName`.
pub const SERVER_NAME: &str = "nas.lan";

/// The server: every method (in any case, since the route test sends `get` and `PoSt`) is
/// answered `200 ok`; the TLS handshake runs in the connection's own thread.
const SERVER: &str = r#"
import http.server, ssl, sys
class Answer(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.answer
        raise AttributeError(name)
server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Answer)
server.daemon_threads = True
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[2], sys.argv[3])
server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
server.serve_forever()
"#;

/// A running HTTPS server, killed when dropped.
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
        let child = Command::new("python3")
            .arg("-c")
            .arg(SERVER)
            .arg(port.to_string())
            .arg(&cert)
            .arg(&key)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run python3 (the HTTPS backend)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the HTTPS backend did not listen"
            );
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
