//! The askama side of escaping: one escaper per output format, wired by template extension in
//! `askama.toml`, and the filters for the contexts an escaper cannot see (a literal `$` for
//! Compose, a comment line, a code span). Each is a thin call into [`crate::encode`], where the
//! formats' rules live, so validation and `seisei edit` use the very same encoders.

use std::fmt::{self, Write};

use askama::filters::{Escaper, Safe};

use crate::encode::dotenv::env_value;
use crate::encode::go::go_template_literal;
use crate::encode::markdown::markdown_text;
use crate::encode::yaml::yaml_scalar;

/// YAML scalars: written plain only when every YAML 1.1 and 1.2 reader takes them for the
/// same string; otherwise single-quoted, or double-quoted when they hold control characters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Yaml;

impl Escaper for Yaml {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&yaml_scalar(string))
    }
}

/// YAML for Traefik's dynamic files, which Traefik renders as Go templates before it reads
/// them as YAML: a literal `{{` is written as the template action `{{"{{"}}`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TraefikYaml;

impl Escaper for TraefikYaml {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&go_template_literal(&yaml_scalar(string)))
    }
}

/// Values in a `.env` file as Compose's dotenv reader parses them.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvValue;

impl Escaper for EnvValue {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&env_value(string))
    }
}

/// Inline Markdown text, safe inside a table cell.
#[derive(Debug, Clone, Copy, Default)]
pub struct Markdown;

impl Escaper for Markdown {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&markdown_text(string))
    }
}

/// Filters used by the templates. Each returns text for one context; the escaper of the
/// template then quotes the result as a whole, unless the filter marks it [`Safe`].
// The `filter_fn` macro marks its generated glue `#[inline(always)]`.
#[allow(clippy::inline_always)]
pub mod filters {
    use std::fmt::Display;

    use super::Safe;

    /// A literal value in a Compose file: Compose interpolates `$`, so a literal one is `$$`.
    #[askama::filter_fn]
    pub fn compose_literal(
        value: impl Display,
        _env: &dyn askama::Values,
    ) -> askama::Result<String> {
        Ok(value.to_string().replace('$', "$$"))
    }

    /// A YAML integer, unquoted. Anything that does not read back as an integer fails the
    /// render instead of landing unquoted.
    #[askama::filter_fn]
    pub fn int(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<i128>> {
        value
            .to_string()
            .parse::<i128>()
            .map(Safe)
            .map_err(|e| askama::Error::Custom(Box::new(e)))
    }

    /// A YAML boolean, unquoted; anything but `true` or `false` fails the render.
    #[askama::filter_fn]
    pub fn boolean(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<bool>> {
        value
            .to_string()
            .parse::<bool>()
            .map(Safe)
            .map_err(|e| askama::Error::Custom(Box::new(e)))
    }

    /// Free text continued as `#` comment lines, so a newline cannot end the comment.
    #[askama::filter_fn]
    pub fn comment(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(crate::encode::comment::comment_text(
            &value.to_string(),
        )))
    }

    /// A Markdown code span.
    #[askama::filter_fn]
    pub fn code(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(crate::encode::markdown::markdown_code(
            &value.to_string(),
        )))
    }

    /// Text people wrote (purposes, descriptions, notes), outside a table: typed code spans
    /// stay code, everything else is escaped.
    #[askama::filter_fn]
    pub fn prose(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(crate::encode::markdown::markdown_prose(
            &value.to_string(),
            false,
        )))
    }

    /// [`prose`] inside a table cell.
    #[askama::filter_fn]
    pub fn prose_cell(
        value: impl Display,
        _env: &dyn askama::Values,
    ) -> askama::Result<Safe<String>> {
        Ok(Safe(crate::encode::markdown::markdown_prose(
            &value.to_string(),
            true,
        )))
    }

    /// The GitHub anchor of a heading.
    #[askama::filter_fn]
    pub fn anchor(value: impl Display, _env: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(crate::encode::markdown::markdown_anchor(
            &value.to_string(),
        )))
    }

    /// An arbitrary YAML value (the escape hatch) at `indent` spaces: ` scalar` on the same
    /// line, or a block on the following lines. Strings go through the same quoting as every
    /// other scalar, so the escape hatch cannot smuggle in a key or a YAML 1.1 boolean.
    #[askama::filter_fn]
    pub fn yaml_value(
        value: &serde_yaml::Value,
        _env: &dyn askama::Values,
        indent: usize,
    ) -> askama::Result<Safe<String>> {
        let mut out = String::new();
        crate::encode::yaml::yaml_value(value, indent, &mut out);
        Ok(Safe(out))
    }

    /// [`yaml_value`] for Traefik's dynamic files, which Traefik renders as Go templates
    /// first: a literal `{{` in any scalar becomes the action `{{"{{"}}`.
    #[askama::filter_fn]
    pub fn traefik_yaml_value(
        value: &serde_yaml::Value,
        _env: &dyn askama::Values,
        indent: usize,
    ) -> askama::Result<Safe<String>> {
        let mut out = String::new();
        crate::encode::yaml::yaml_value(value, indent, &mut out);
        Ok(Safe(crate::encode::go::go_template_literal(&out)))
    }
}
