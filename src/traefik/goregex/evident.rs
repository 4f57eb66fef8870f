//! The Go patterns whose meaning is evident without compiling them (`^.+$`, `.*`, …), and
//! what each matches: rules write them to mean "any" or "any non-empty" value, so the
//! parser accepts them on sight and the overlap analysis answers for them from this table.

/// What a pattern is known to match without compiling it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Every input without a line break, even an empty one.
    Everything,
    /// Every non-empty input without a line break. Go's server rejects hosts with control
    /// characters (`httpguts.ValidHostHeader`), so for hosts this means every non-empty host.
    NonEmpty,
}

/// The patterns made only of `^`, `.`, `*`, `+` and `$` that rules write to mean "any" or
/// "any non-empty" value (the redirect router's `^.+$` is in every platform), with what they
/// match.
pub const EVIDENT: [(&str, Reach); 11] = [
    (".*", Reach::Everything),
    ("^.*", Reach::Everything),
    (".*$", Reach::Everything),
    ("^.*$", Reach::Everything),
    ("^", Reach::Everything),
    ("$", Reach::Everything),
    (".", Reach::NonEmpty),
    (".+", Reach::NonEmpty),
    ("^.+", Reach::NonEmpty),
    (".+$", Reach::NonEmpty),
    ("^.+$", Reach::NonEmpty),
];

/// What `pattern` matches, when it is one of the [`EVIDENT`] patterns.
pub fn reach(pattern: &str) -> Option<Reach> {
    EVIDENT
        .iter()
        .find(|(evident, _)| *evident == pattern)
        .map(|(_, reach)| *reach)
}

impl Reach {
    /// Whether a pattern of this reach matches `text`, when that is known without compiling
    /// it: on a text without a line break, where `.` and `$` behave alike in all of them.
    pub fn matches(self, text: &str) -> Option<bool> {
        if text.contains('\n') {
            return None;
        }
        Some(match self {
            Reach::Everything => true,
            Reach::NonEmpty => !text.is_empty(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::EVIDENT;
    use crate::traefik::goregex::{compile_uncached, validate};

    /// What the table says each evident pattern matches is what the compiled pattern
    /// matches, and `validate` accepts them as compiling would.
    #[test]
    fn evident_patterns_match_as_compiled() {
        let texts = [
            "",
            "a",
            "example.com",
            "é",
            "a\rb",
            " ",
            "a\nb",
            "\n",
            "x\n",
        ];
        for (pattern, reach) in EVIDENT {
            let regex = compile_uncached(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            assert_eq!(validate(pattern), Ok(()));
            for text in texts {
                if let Some(known) = reach.matches(text) {
                    assert_eq!(known, regex.is_match(text), "{pattern} on {text:?}");
                } else {
                    assert!(text.contains('\n'), "{pattern} on {text:?}");
                }
            }
        }
        assert!(validate("(").is_err());
    }
}
