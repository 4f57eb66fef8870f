//! A serde `Deserializer` over a parsed [`Document`]: a spec that has something to report is
//! read from the tree the positions come from, so every error carries the span of the node it
//! is about (a clean one is read with no tree, by `spec::stream`, with these same rules).
//!
//! Scalars resolve as `serde_yaml` resolves them, so a spec means what it meant before: a
//! string field takes any scalar as written (`port: 8080` into a `String` is `"8080"`), while
//! numbers, booleans and null come only from unquoted scalars, by the YAML 1.2 core schema
//! (`true`/`True`/`TRUE`, `0x1F`, `0o17`, `.inf`; `0755` stays a string, as in `serde_yaml`).

use std::fmt;

use serde::de::{
    self, DeserializeSeed, EnumAccess, Expected, MapAccess, SeqAccess, Unexpected, VariantAccess,
    Visitor,
};

use super::document::{Document, Kind, NodeId};
use crate::diagnostics::Span;

mod halves;
pub use halves::spec_on_two_threads;

/// A deserialization error, with the span of the node it arose at when known.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub message: String,
    pub span: Option<Span>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error {
            message: msg.to_string(),
            span: None,
        }
    }
}

impl Error {
    /// Places an error raised by a visitor at `span`, keeping a more precise span from a
    /// node further down.
    fn at(mut self, span: Span) -> Self {
        self.span.get_or_insert(span);
        self
    }
}

type Result<T> = std::result::Result<T, Error>;

/// Deserializes `T` from `node` of `doc`.
pub fn from_node<'a, T: serde::Deserialize<'a>>(doc: &'a Document, node: NodeId) -> Result<T> {
    T::deserialize(Node::new(doc, node))
}

/// One node of a document, as a serde deserializer.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    doc: &'a Document,
    /// Where the value is written (an alias, or the value itself).
    written: NodeId,
}

/// A scalar's value as the YAML 1.2 core schema reads an unquoted one.
pub(super) enum Resolved<'a> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Str(&'a str),
}

pub(super) fn parse_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

pub(super) fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Digits with a leading zero (`0755`) are a string in YAML 1.2, not an octal number.
fn leading_zero_digits(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// `0x`, `0o`, `0b` or decimal digits, without a sign; `None` for anything else.
fn parse_magnitude(s: &str) -> Option<u128> {
    let (digits, radix) = if let Some(rest) = s.strip_prefix("0x") {
        (rest, 16)
    } else if let Some(rest) = s.strip_prefix("0o") {
        (rest, 8)
    } else if let Some(rest) = s.strip_prefix("0b") {
        (rest, 2)
    } else {
        (s, 10)
    };
    if digits.starts_with(['+', '-']) || (radix == 10 && leading_zero_digits(digits)) {
        return None;
    }
    u128::from_str_radix(digits, radix).ok()
}

pub(super) fn parse_unsigned(s: &str) -> Option<u64> {
    let s = s.strip_prefix('+').unwrap_or(s);
    u64::try_from(parse_magnitude(s)?).ok()
}

pub(super) fn parse_signed(s: &str) -> Option<i64> {
    if let Some(rest) = s.strip_prefix('-') {
        let magnitude = parse_magnitude(rest)?;
        return i64::try_from(-i128::try_from(magnitude).ok()?).ok();
    }
    i64::try_from(parse_unsigned(s)?).ok()
}

pub(super) fn parse_float(s: &str) -> Option<f64> {
    let unsigned = match s.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => s,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    if matches!(s, "-.inf" | "-.Inf" | "-.INF") {
        return Some(f64::NEG_INFINITY);
    }
    if leading_zero_digits(s) {
        return None;
    }
    // Rust also reads `inf`, `NaN` and `infinity`, which YAML does not.
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// The core-schema type an unquoted `s` resolves to: `null`, `bool`, `int`, `float` or `str`.
/// A tag such as `!!int` is honoured only on a value of its type.
pub(crate) fn core_type(s: &str) -> &'static str {
    match resolve(s) {
        Resolved::Null => "null",
        Resolved::Bool(_) => "bool",
        Resolved::Unsigned(_) | Resolved::Signed(_) => "int",
        Resolved::Float(_) => "float",
        Resolved::Str(_) => "str",
    }
}

pub(super) fn resolve(s: &str) -> Resolved<'_> {
    if parse_null(s) {
        Resolved::Null
    } else if let Some(b) = parse_bool(s) {
        Resolved::Bool(b)
    } else if let Some(n) = parse_unsigned(s) {
        Resolved::Unsigned(n)
    } else if let Some(n) = parse_signed(s) {
        Resolved::Signed(n)
    } else if let Some(f) = parse_float(s) {
        Resolved::Float(f)
    } else {
        Resolved::Str(s)
    }
}

impl<'a> Node<'a> {
    pub fn new(doc: &'a Document, written: NodeId) -> Self {
        Node { doc, written }
    }

    /// The node the value comes from: the alias's target, or the node itself.
    fn value(self) -> NodeId {
        self.doc.resolve(self.written)
    }

    fn span(self) -> Span {
        self.doc.span(self.written)
    }

    /// `(text, plain)` when the node is a scalar.
    fn scalar(self) -> Option<(&'a str, bool)> {
        match self.doc.kind(self.value()) {
            Kind::Scalar { plain, .. } => Some((self.doc.scalar_text(self.value())?, plain)),
            _ => None,
        }
    }

    /// Whether the node is an unquoted empty or null scalar (`key:`, `key: ~`).
    fn is_null(self) -> bool {
        matches!(self.scalar(), Some((s, true)) if parse_null(s))
    }

    /// What the node is, in serde's words, for "invalid type" messages.
    fn unexpected(self) -> Unexpected<'a> {
        match self.doc.kind(self.value()) {
            Kind::Sequence { .. } => Unexpected::Seq,
            Kind::Mapping { .. } | Kind::Alias { .. } => Unexpected::Map,
            Kind::Scalar { .. } => match self.scalar() {
                Some((s, false)) => Unexpected::Str(s),
                Some((s, true)) => match resolve(s) {
                    Resolved::Null => Unexpected::Unit,
                    Resolved::Bool(b) => Unexpected::Bool(b),
                    Resolved::Unsigned(n) => Unexpected::Unsigned(n),
                    Resolved::Signed(n) => Unexpected::Signed(n),
                    Resolved::Float(f) => Unexpected::Float(f),
                    Resolved::Str(s) => Unexpected::Str(s),
                },
                None => Unexpected::Other("a scalar"),
            },
        }
    }

    fn invalid(self, expected: &dyn Expected) -> Error {
        de::Error::invalid_type(self.unexpected(), expected)
    }

    /// Runs `f` and places any error it returns at this node.
    fn placed<T>(self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        f().map_err(|e| e.at(self.span()))
    }

    fn visit_sequence<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let Kind::Sequence { start, len } = self.doc.kind(self.value()) else {
            return Err(self.invalid(&visitor));
        };
        let mut items = Items {
            doc: self.doc,
            ids: self.doc.children(start, len).iter(),
        };
        let value = visitor.visit_seq(&mut items)?;
        match items.ids.len() {
            0 => Ok(value),
            left => Err(de::Error::invalid_length(
                len as usize - left,
                &"fewer items",
            )),
        }
    }

    fn visit_mapping<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let Kind::Mapping { start, len } = self.doc.kind(self.value()) else {
            return Err(self.invalid(&visitor));
        };
        visitor.visit_map(Entries {
            doc: self.doc,
            ids: self.doc.children(start, len * 2).iter(),
            value: None,
        })
    }
}

struct Items<'a> {
    doc: &'a Document,
    ids: std::slice::Iter<'a, NodeId>,
}

impl<'a> SeqAccess<'a> for &mut Items<'a> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        match self.ids.next() {
            Some(&id) => seed.deserialize(Node::new(self.doc, id)).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.ids.len())
    }
}

struct Entries<'a, 'i> {
    doc: &'a Document,
    /// Keys and values, alternating.
    ids: std::slice::Iter<'i, NodeId>,
    value: Option<NodeId>,
}

impl<'a> MapAccess<'a> for Entries<'a, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(&key) = self.ids.next() else {
            return Ok(None);
        };
        self.value = self.ids.next().copied();
        let node = Node::new(self.doc, key);
        node.placed(|| seed.deserialize(node)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value> {
        let value = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a mapping value was read before its key"))?;
        seed.deserialize(Node::new(self.doc, value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.ids.len() / 2)
    }
}

/// An enum written as a plain string (a unit variant) or as a mapping with one key.
struct Variant<'a> {
    name: Node<'a>,
    body: Option<Node<'a>>,
}

impl<'a> EnumAccess<'a> for Variant<'a> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self)> {
        let name = self.name;
        let value = name.placed(|| seed.deserialize(name))?;
        Ok((value, self))
    }
}

impl<'a> VariantAccess<'a> for Variant<'a> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        match self.body {
            None => Ok(()),
            Some(body) if body.is_null() => Ok(()),
            Some(body) => Err(body.invalid(&"a unit variant, written without a value")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value> {
        match self.body {
            Some(body) => seed.deserialize(body),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"a variant with a value",
            )),
        }
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        match self.body {
            Some(body) => de::Deserializer::deserialize_seq(body, visitor),
            None => Err(de::Error::invalid_type(Unexpected::UnitVariant, &visitor)),
        }
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.body {
            Some(body) => de::Deserializer::deserialize_map(body, visitor),
            None => Err(de::Error::invalid_type(Unexpected::UnitVariant, &visitor)),
        }
    }
}

macro_rules! number {
    ($method:ident, $parse:ident, $visit:ident) => {
        fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
            self.placed(|| match self.scalar() {
                Some((s, true)) => match $parse(s) {
                    Some(n) => visitor.$visit(n),
                    None => Err(self.invalid(&visitor)),
                },
                _ => Err(self.invalid(&visitor)),
            })
        }
    };
}

impl<'a> de::Deserializer<'a> for Node<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.placed(|| match self.doc.kind(self.value()) {
            Kind::Sequence { .. } => self.visit_sequence(visitor),
            Kind::Mapping { .. } => self.visit_mapping(visitor),
            _ => match self.scalar() {
                Some((s, false)) => visitor.visit_borrowed_str(s),
                Some((s, true)) => match resolve(s) {
                    Resolved::Null => visitor.visit_unit(),
                    Resolved::Bool(b) => visitor.visit_bool(b),
                    Resolved::Unsigned(n) => visitor.visit_u64(n),
                    Resolved::Signed(n) => visitor.visit_i64(n),
                    Resolved::Float(f) => visitor.visit_f64(f),
                    Resolved::Str(s) => visitor.visit_borrowed_str(s),
                },
                None => Err(self.invalid(&visitor)),
            },
        })
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.placed(|| match self.scalar() {
            Some((s, true)) => match parse_bool(s) {
                Some(b) => visitor.visit_bool(b),
                None => Err(self.invalid(&visitor)),
            },
            _ => Err(self.invalid(&visitor)),
        })
    }

    number!(deserialize_i64, parse_signed, visit_i64);
    number!(deserialize_u64, parse_unsigned, visit_u64);
    number!(deserialize_f64, parse_float, visit_f64);

    fn deserialize_i8<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i16<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_u8<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    /// Any scalar reads as a string, as written: `version: 16` into a string is `"16"`;
    /// but one tagged with a type (`!!int 16`) is that type only, as its tag says.
    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let typed = matches!(
            self.doc.kind(self.value()),
            Kind::Scalar { typed: true, .. }
        );
        self.placed(|| match self.scalar() {
            Some((s, _)) if !typed => visitor.visit_borrowed_str(s),
            _ => Err(self.invalid(&visitor)),
        })
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, _visitor: V) -> Result<V::Value> {
        Err(<Error as de::Error>::custom("binary values are not supported").at(self.span()))
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if self.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.placed(|| {
            if self.is_null() {
                visitor.visit_unit()
            } else {
                Err(self.invalid(&visitor))
            }
        })
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    /// A sequence, or nothing at all (`key:`), which reads as an empty one.
    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.placed(|| {
            if self.is_empty_scalar() {
                return visitor.visit_seq(&mut Items {
                    doc: self.doc,
                    ids: [].iter(),
                });
            }
            self.visit_sequence(visitor)
        })
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    /// A mapping, or nothing at all (`key:`), which reads as an empty one.
    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.placed(|| {
            if self.is_empty_scalar() {
                return visitor.visit_map(Entries {
                    doc: self.doc,
                    ids: [].iter(),
                    value: None,
                });
            }
            self.visit_mapping(visitor)
        })
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.placed(|| match self.doc.kind(self.value()) {
            Kind::Scalar { .. } => visitor.visit_enum(Variant {
                name: self,
                body: None,
            }),
            Kind::Mapping { .. } => {
                let mut entries = self.doc.entries(self.value());
                match (entries.next(), entries.next()) {
                    (Some((name, body)), None) => visitor.visit_enum(Variant {
                        name: Node::new(self.doc, name),
                        body: Some(Node::new(self.doc, body)),
                    }),
                    _ => Err(self.invalid(&"a variant name, or a mapping with one key")),
                }
            }
            _ => Err(self.invalid(&visitor)),
        })
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    /// Skipping a value costs nothing: the tree is already built.
    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
}

impl Node<'_> {
    fn is_empty_scalar(self) -> bool {
        matches!(self.scalar(), Some(("", true)))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
        let doc = Document::parse(text).expect("valid YAML");
        from_node(&doc, doc.root().expect("a root"))
    }

    #[test]
    fn strings_take_any_scalar_as_written() {
        let map: BTreeMap<String, String> =
            read("a: 8080\nb: true\nc: '0755'\nd: 1e3\ne: ~\n").unwrap();
        let values: Vec<&str> = map.values().map(String::as_str).collect();
        assert_eq!(values, ["8080", "true", "0755", "1e3", "~"]);
    }

    #[test]
    fn numbers_come_from_unquoted_scalars_only() {
        assert_eq!(read::<u16>("0x1F").unwrap(), 31);
        assert_eq!(read::<i64>("-0o17").unwrap(), -15);
        let quoted = read::<u16>("'80'").unwrap_err();
        assert_eq!(
            quoted.message, "invalid type: string \"80\", expected u16",
            "as serde_yaml says it"
        );
        let range = read::<u16>("70000").unwrap_err();
        assert!(range.message.contains("70000"), "{}", range.message);
        assert!(read::<u16>("0755").is_err(), "a leading zero is a string");
    }

    #[test]
    fn untyped_values_resolve_like_serde_yaml() {
        let text = "[1, -2, 0x10, 1.5, .inf, 0755, true, False, ~, '', yes, '1', 1_000, 1e3, inf]";
        let ours: serde_yaml::Value = read(text).unwrap();
        let theirs: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn errors_carry_the_span_of_their_node() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Port {
            port: u16,
        }
        let error = read::<BTreeMap<String, Port>>("a:\n  port: 80\nb:\n  prot: 80\n").unwrap_err();
        assert!(
            error.message.starts_with("unknown field `prot`"),
            "{}",
            error.message
        );
        assert_eq!(error.span.map(|s| (s.line, s.column)), Some((4, 3)));
    }

    #[test]
    fn aliases_read_as_their_target() {
        let list: Vec<Vec<u8>> = read("- &a [1, 2]\n- *a\n").unwrap();
        assert_eq!(list, [vec![1, 2], vec![1, 2]]);
    }

    #[test]
    fn enums_read_from_a_name_or_a_one_key_mapping() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        enum Shape {
            Dot,
            Line(u8),
        }
        assert_eq!(
            read::<Vec<Shape>>("[Dot, {Line: 3}]").unwrap(),
            [Shape::Dot, Shape::Line(3)]
        );
    }
}
