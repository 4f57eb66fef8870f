//! Whether a file on disk holds exactly the bytes being rendered, decided while both stream
//! by: the rendered text is fed in pieces and compared with the file as it is read, a buffer
//! at a time, so `check` of an up-to-date tree holds neither whole (the inventory of a
//! 10,000-stack platform is 24 MB). The first difference stops the rendering.

use std::io::{ErrorKind, Read};

/// Bytes read from the file at once.
const CHUNK: usize = 64 * 1024;

/// Compares the pieces fed to it with `file`.
pub struct Comparer<'a, R: Read> {
    file: R,
    buffer: &'a mut Vec<u8>,
    start: usize,
    end: usize,
    equal: bool,
    error: Option<std::io::Error>,
    /// Bytes the file has yet to give by the size it claimed when opened, if known: once it
    /// has given them all, the end is taken as reached without a read that returns nothing
    /// (one system call in six of `check` at 10,000 stacks). Every byte the reads gave is
    /// compared, claimed or not; a file that grows while it is compared is a race no answer
    /// wins. A file that differs is read again whole before anything is decided.
    left: Option<u64>,
}

impl<'a, R: Read> Comparer<'a, R> {
    /// `buffer` is scratch space, reused from file to file.
    pub fn new(file: R, buffer: &'a mut Vec<u8>) -> Self {
        buffer.resize(CHUNK, 0);
        Comparer {
            file,
            buffer,
            start: 0,
            end: 0,
            equal: true,
            error: None,
            left: None,
        }
    }

    /// The file claims to hold `size` bytes (`fstat`), so no read past them is needed.
    pub fn expecting(mut self, size: u64) -> Self {
        self.left = Some(size);
        self
    }

    /// Compares `piece` with the next bytes of the file; `false` (and no further reading)
    /// once they differ or the file cannot be read.
    pub fn feed(&mut self, mut piece: &[u8]) -> bool {
        while self.equal && !piece.is_empty() {
            if self.start == self.end && !self.refill() {
                // The file ended (or failed) before the rendered text did.
                self.equal = false;
                break;
            }
            let n = piece.len().min(self.end - self.start);
            if piece[..n] != self.buffer[self.start..self.start + n] {
                self.equal = false;
                break;
            }
            self.start += n;
            piece = &piece[n..];
        }
        self.equal
    }

    /// Whether everything fed was the whole file: nothing differed and nothing is left.
    pub fn finish(mut self) -> std::io::Result<bool> {
        // The file goes on after the rendered text ended: in the buffer, or past it.
        if self.equal && (self.start < self.end || self.refill()) {
            self.equal = false;
        }
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.equal),
        }
    }

    /// Reads the next chunk; `false` at the end of the file or on an error (kept).
    fn refill(&mut self) -> bool {
        if self.left == Some(0) {
            return false;
        }
        loop {
            match self.file.read(&mut self.buffer[..]) {
                Ok(0) => return false,
                Ok(n) => {
                    (self.start, self.end) = (0, n);
                    self.left = self.left.map(|left| left.saturating_sub(n as u64));
                    return true;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    self.error = Some(e);
                    return false;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `pieces` and compares with `file`.
    fn same(file: &[u8], pieces: &[&[u8]]) -> bool {
        let mut buffer = Vec::new();
        let mut comparer = Comparer::new(file, &mut buffer);
        for piece in pieces {
            if !comparer.feed(piece) {
                break;
            }
        }
        comparer.finish().unwrap()
    }

    #[test]
    fn equal_only_when_every_byte_and_the_length_agree() {
        assert!(same(b"abc\n", &[b"a", b"bc", b"\n"]));
        assert!(same(b"", &[]));
        assert!(!same(b"abc\n", &[b"abc"]), "the file is longer");
        assert!(!same(b"abc", &[b"abc\n"]), "the file is shorter");
        assert!(!same(b"abd\n", &[b"abc\n"]));
    }

    #[test]
    fn pieces_larger_than_a_chunk_compare_across_reads() {
        let text: Vec<u8> = (0..3 * CHUNK + 17)
            .map(|i| u8::try_from(i % 251).unwrap())
            .collect();
        let (head, tail) = text.split_at(CHUNK + 5);
        assert!(same(&text, &[head, tail]));
        let mut other = text.clone();
        other[2 * CHUNK + 3] ^= 1;
        assert!(!same(&other, &[head, tail]));
    }

    /// A reader that fails with `kind` after `good` bytes.
    struct Failing {
        good: usize,
        kind: ErrorKind,
        sent: usize,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.sent < self.good {
                let n = buf.len().min(self.good - self.sent);
                buf[..n].fill(b'x');
                self.sent += n;
                return Ok(n);
            }
            if self.kind == ErrorKind::Interrupted {
                // Interrupted once, then the end of the file.
                self.kind = ErrorKind::UnexpectedEof;
                return Err(ErrorKind::Interrupted.into());
            }
            Err(self.kind.into())
        }
    }

    /// A reader that counts the reads made of it.
    struct Counted<'b> {
        bytes: &'b [u8],
        reads: &'b std::cell::Cell<usize>,
    }

    impl Read for Counted<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            self.reads.set(self.reads.get() + 1);
            self.bytes.read(out)
        }
    }

    /// With the size known, a file that matches is read once, not a second time to find its
    /// end; without it, or when the file holds more than it claimed, the end is looked for.
    #[test]
    fn a_file_of_known_size_is_not_read_past_its_end() {
        let reads = std::cell::Cell::new(0);
        let mut buffer = Vec::new();
        let run = |bytes: &[u8], claimed: Option<u64>, fed: &[u8], buffer: &mut Vec<u8>| {
            reads.set(0);
            let file = Counted {
                bytes,
                reads: &reads,
            };
            let comparer = Comparer::new(file, buffer);
            let mut comparer = match claimed {
                Some(size) => comparer.expecting(size),
                None => comparer,
            };
            comparer.feed(fed);
            (comparer.finish().unwrap(), reads.get())
        };
        assert_eq!(run(b"abc", Some(3), b"abc", &mut buffer), (true, 1));
        assert_eq!(run(b"abc", None, b"abc", &mut buffer), (true, 2));
        // More than it claimed, in the first read: every byte read is compared.
        assert_eq!(run(b"abc", Some(2), b"abc", &mut buffer), (true, 1));
        assert_eq!(run(b"abcd", Some(2), b"abc", &mut buffer), (false, 1));
        assert_eq!(run(b"abcd", Some(4), b"abc", &mut buffer), (false, 1));
        assert_eq!(run(b"ab", Some(3), b"abc", &mut buffer), (false, 2));
    }

    #[test]
    fn a_read_error_is_an_error_not_a_difference() {
        let mut buffer = Vec::new();
        let file = Failing {
            good: 3,
            kind: ErrorKind::PermissionDenied,
            sent: 0,
        };
        let mut comparer = Comparer::new(file, &mut buffer);
        assert!(!comparer.feed(b"xxxxxx"));
        assert_eq!(
            comparer.finish().unwrap_err().kind(),
            ErrorKind::PermissionDenied
        );
    }

    #[test]
    fn an_interrupted_read_is_retried() {
        let mut buffer = Vec::new();
        let file = Failing {
            good: 0,
            kind: ErrorKind::Interrupted,
            sent: 0,
        };
        // After the retry the reader fails for real: the retry is what reaches that error.
        let comparer = Comparer::new(file, &mut buffer);
        assert_eq!(
            comparer.finish().unwrap_err().kind(),
            ErrorKind::UnexpectedEof
        );
    }
}
