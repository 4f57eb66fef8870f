//! `.env` values as Compose's dotenv reader (compose-go `dotenv/parser.go`) parses them, and
//! whether a value has any spelling that reads back.

use super::yaml::is_yaml_printable;

/// The `.env` form of a value: bare when it is plain, single-quoted (literal, no
/// interpolation) when possible, else double-quoted with escapes and `$$` for `$`.
/// A value for which [`env_value_reads_back`] is false has no spelling at all; validation
/// refuses such examples, so they never reach this function.
pub fn env_value(value: &str) -> String {
    let plain = value.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '_' | '.' | '/' | '-' | ':' | '@' | ',' | '+' | '=')
    });
    if plain {
        value.to_owned()
    } else if !value.contains('\'')
        && !value.ends_with('\\')
        && !value.chars().any(char::is_control)
    {
        format!("'{value}'")
    } else if value.ends_with('\\') && can_go_unquoted(value) {
        // Unquoted values are interpolated: `$$` is a literal `$`.
        value.replace('$', "$$")
    } else {
        let mut out = String::from("\"");
        for c in value.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '$' => out.push_str("$$"),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// Whether [`env_value`] can write `value` so that Compose reads it back. compose-go ends a
/// quoted value at the first quote that does not follow a backslash, in both quote styles
/// (`dotenv/parser.go`, "skip escaped quote symbol"), so a quoted value cannot end in `\`:
/// one that ends in `\` must go unquoted, and one that cannot (a leading blank or quote, a
/// line break, ` #`) has no spelling that reads back.
pub fn env_value_reads_back(value: &str) -> bool {
    !value.ends_with('\\') || can_go_unquoted(value)
}

/// Whether `value` reads back unquoted: compose-go skips its `isSpace` blanks after `=`,
/// trims `unicode.IsSpace` at the end, ends the value at a line break, cuts it at ` #`, and
/// takes a leading quote for the start of a quoted value.
fn can_go_unquoted(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with(['\t', '\u{b}', '\u{c}', '\r', ' ', '\u{85}', '\u{a0}'])
        && value.trim_end() == value
        && !value.starts_with(['\'', '"', '#'])
        && !value.contains(" #")
        && !value
            .chars()
            .any(|c| c.is_control() || !is_yaml_printable(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_values_are_quoted_for_dotenv() {
        assert_eq!(
            env_value("postgres://a:b@h:5432/db"),
            "postgres://a:b@h:5432/db"
        );
        assert_eq!(env_value("a b"), "'a b'");
        assert_eq!(env_value("it's $HOME"), "\"it's $$HOME\"");
        // A trailing backslash goes unquoted where it can; elsewhere it cannot be written.
        assert_eq!(env_value("C:\\dir $x\\"), "C:\\dir $$x\\");
        assert!(env_value_reads_back("C:\\dir\\"));
        assert!(env_value_reads_back(" a\\b"));
        // compose-go skips only its own blanks after `=`, not every Unicode space.
        assert_eq!(env_value("\u{2028}a\\"), "\u{2028}a\\");
        for unwritable in [" a\\", "'a\\", "\"a\\", "a\nb\\", "a #b\\", "#a\\"] {
            assert!(!env_value_reads_back(unwritable), "{unwritable:?}");
        }
    }
}
