//! Traefik releases as `MAJOR.MINOR`, and the version rules that change what may be written.

/// A Traefik release as `MAJOR.MINOR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
}

impl Version {
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.trim().trim_start_matches('v').split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
        // A patch number is allowed and ignored: no rule semantics change within a minor.
        if let Some(patch) = parts.next() {
            patch.parse::<u32>().ok()?;
        }
        (major == 3 && parts.next().is_none()).then_some(Version { major, minor })
    }

    /// `Host(`*.example.com`)` matches one extra label from v3.7.0 on; before it, `*` is a
    /// literal character (Traefik migration notes, "v3.7.0").
    pub fn has_wildcard_hosts(self) -> bool {
        self >= Version { major: 3, minor: 7 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V37: Version = Version { major: 3, minor: 7 };
    const V36: Version = Version { major: 3, minor: 6 };

    #[test]
    fn parses_versions() {
        assert_eq!(Version::parse("3.7"), Some(V37));
        assert_eq!(Version::parse("v3.6.2"), Some(V36));
        assert_eq!(Version::parse("2.11"), None);
        assert_eq!(Version::parse("3.x"), None);
    }
}
