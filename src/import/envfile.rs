//! Reads a stack's `.env.example` (keys, the comment lines above each key as its description,
//! example values) and a real `.env` (keys only: its values are never read into memory past
//! the `=`). Input: the file's text; output: the variables in file order with their lines.

/// One variable of an env file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    /// The comment block right above the key, joined with spaces.
    pub description: Option<String>,
    /// The value, unquoted; always `None` for a real `.env`.
    pub value: Option<String>,
    /// 1-based line of the key.
    pub line: usize,
}

/// The variables of `text`. With `values` false (a real `.env`), values are dropped.
pub fn parse(text: &str, values: bool) -> Vec<EnvVar> {
    let mut out = Vec::new();
    let mut comments: Vec<String> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            comments.clear();
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if !comment.is_empty() {
                comments.push(comment.to_owned());
            }
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let (name, value) = match line.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (line, None),
        };
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            comments.clear();
            continue;
        }
        let description = (!comments.is_empty()).then(|| comments.join(" "));
        comments.clear();
        out.push(EnvVar {
            name: name.to_owned(),
            description,
            value: if values { value.map(unquote) } else { None },
            line: index + 1,
        });
    }
    out
}

/// A dotenv value without its quotes, and without a trailing ` # comment` when unquoted.
fn unquote(value: &str) -> String {
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote) {
            if let Some(end) = inner.find(quote) {
                return inner[..end].to_owned();
            }
        }
    }
    match value.find(" #") {
        Some(end) => value[..end].trim_end().to_owned(),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_descriptions_values_and_quotes() {
        let vars = parse(
            "# The host\n# of the db\nDB_HOST=db\n\nexport TOKEN='a b' \nX=1 # one\n",
            true,
        );
        assert_eq!(vars[0].description.as_deref(), Some("The host of the db"));
        assert_eq!(vars[0].value.as_deref(), Some("db"));
        assert_eq!(vars[1].value.as_deref(), Some("a b"));
        assert_eq!(vars[1].description, None);
        assert_eq!(vars[2].value.as_deref(), Some("1"));
        assert!(parse("SECRET=hunter2\n", false)[0].value.is_none());
    }
}
