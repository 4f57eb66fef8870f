//! The typed spec read straight from the parser's events, with no document tree: the way a
//! spec with nothing to report is read. At 10,000 stacks the tree is 125 MB and building it
//! is a third of `check`; a clean run needs no position, so it needs no tree.
//!
//! The reading gives up (`None`) on anything it is not sure it reads as the tree does: a
//! syntax error, a type error, an anchor, alias or tag, a duplicate key, a control character,
//! a scalar that looks like a credential, more than one document, too deep a nesting. The
//! caller then reads the text through the tree ([`super::document`], [`super::de`]), which
//! reports every one of those with its position. So this module decides nothing about a
//! spec: on the texts it accepts it gives the value `de` gives (a test holds it to that), on
//! the others it only costs the time to give up.
//!
//! Scalars resolve with `de`'s own functions, so the two readings cannot drift apart.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::hash::BuildHasher;

use saphyr_parser::{Event, Parser, ScalarStyle, StrInput};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::de::{
    Resolved, parse_bool, parse_float, parse_null, parse_signed, parse_unsigned, resolve,
};
use super::document::{MAX_DEPTH, checks, pieces};
use super::{Map, Spec, Stack};

/// Why the reading gave up; the tree says what is wrong, if anything.
#[derive(Debug)]
pub struct GaveUp;

impl std::fmt::Display for GaveUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("read through the tree instead")
    }
}

impl std::error::Error for GaveUp {}

impl de::Error for GaveUp {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        GaveUp
    }
}

type Result<T> = std::result::Result<T, GaveUp>;

/// The spec `text` holds, when it reads cleanly; see the module's comment. The text must
/// already have passed the tree's character and version checks.
pub fn spec(text: &str) -> Option<Spec> {
    if !checks::readable(text) {
        return None;
    }
    // A large spec is read in two pieces on two cores, cut where the tree cuts it.
    if let Some(cut) = pieces::cut_for_two_cores(text) {
        let (head, tail) = text.split_at(cut);
        let (head, tail) =
            crate::parallel::join(true, || read::<Spec>(head), || read::<Tail<Stack>>(tail));
        let (mut spec, Tail(more)) = (head.ok()?, tail.ok()?);
        // A stack named in both pieces is a duplicate key, which the tree reports.
        if more.iter().any(|(name, _)| spec.stacks.contains_key(name)) {
            return None;
        }
        let mut entries: Vec<(String, Stack)> =
            std::mem::take(&mut spec.stacks).into_iter().collect();
        entries.extend(more);
        spec.stacks = Map::from_entries(entries);
        return Some(spec);
    }
    read::<Spec>(text).ok()
}

/// The one document of `text` as any `T`, read as [`spec`] reads the spec: for the tests that
/// hold this reading to `de`'s on other types.
pub fn value<'t, T: de::Deserialize<'t>>(text: &'t str) -> Option<T> {
    if !checks::readable(text) {
        return None;
    }
    read(text).ok()
}

/// The one document of `text` as a `T`.
fn read<'t, T: de::Deserialize<'t>>(text: &'t str) -> Result<T> {
    let mut stream = Stream {
        parser: Parser::new_from_str(text),
        ahead: VecDeque::new(),
        depth: 0,
        next_is_key: false,
        next_is_example: false,
        hasher: hashbrown::DefaultHashBuilder::default(),
    };
    match (stream.next()?.0, stream.next()?.0) {
        (Event::StreamStart, Event::DocumentStart(_)) => {}
        _ => return Err(GaveUp),
    }
    let value = T::deserialize(&mut stream)?;
    // Everything after the root: the end of the document and of the stream, and no second
    // document, which the tree refuses.
    match (stream.next()?.0, stream.next()?.0) {
        (Event::DocumentEnd, Event::StreamEnd) => Ok(value),
        _ => Err(GaveUp),
    }
}

/// The size of a collection not yet counted.
const UNCOUNTED: usize = usize::MAX;

struct Stream<'t> {
    parser: Parser<'t, StrInput<'t>>,
    /// Events read but not yet taken, each with, for a collection's start, its number of
    /// items (of entries for a mapping), or [`UNCOUNTED`]. A sequence is read ahead to its
    /// end when it starts, so serde's visitors get its size and make each `Vec` the size the
    /// tree makes it: grown one push at a time, the spec of 10,000 stacks took 150 MB instead
    /// of 57.
    ahead: VecDeque<(Event<'t>, usize)>,
    depth: usize,
    /// The next scalar is a mapping key: a name, exempt from the credential check.
    next_is_key: bool,
    /// The next node is the value of an `example` key, exempt from the credential check (the
    /// model has its own for examples).
    next_is_example: bool,
    hasher: hashbrown::DefaultHashBuilder,
}

/// One node's first event, as the deserializer needs it; a collection with its size.
enum Start<'t> {
    Scalar(Cow<'t, str>, bool),
    Sequence(usize),
    Mapping(usize),
}

impl<'t> Stream<'t> {
    /// The parser's next event, or its error as giving up.
    fn fetch(&mut self) -> Result<Event<'t>> {
        Ok(self.parser.next().ok_or(GaveUp)?.map_err(|_| GaveUp)?.0)
    }

    /// The next event, taken: giving up on what only the tree reads. A collection's start
    /// comes with its size, read ahead to its end if it was not yet.
    fn next(&mut self) -> Result<(Event<'t>, usize)> {
        let (event, mut size) = match self.ahead.pop_front() {
            Some(taken) => taken,
            None => (self.fetch()?, UNCOUNTED),
        };
        let (is_key, is_example) = (self.next_is_key, self.next_is_example);
        self.next_is_key = false;
        self.next_is_example = false;
        match &event {
            Event::Alias(_) => return Err(GaveUp),
            Event::Scalar(value, _, anchor, tag) => {
                let credential =
                    !is_key && !is_example && super::secrets::credential_kind(value).is_some();
                if *anchor != 0
                    || tag.is_some()
                    || credential
                    || value.chars().any(checks::forbidden_control)
                {
                    return Err(GaveUp);
                }
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if *anchor != 0 || tag.is_some() {
                    return Err(GaveUp);
                }
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(GaveUp);
                }
                // A mapping is not read ahead: the root would be the whole document, and a
                // struct's fields or a `Map`'s entries need no size.
                if size == UNCOUNTED && matches!(event, Event::SequenceStart(..)) {
                    size = self.read_ahead()?;
                }
            }
            Event::SequenceEnd | Event::MappingEnd => self.depth -= 1,
            _ => {}
        }
        Ok((event, size))
    }

    /// Reads the rest of a sequence whose start was just taken into `ahead`, counting the
    /// items of it and of every collection inside it; answers its own size. Only a start
    /// taken from the parser is uncounted, and then nothing was ahead of it.
    fn read_ahead(&mut self) -> Result<usize> {
        debug_assert!(self.ahead.is_empty());
        // The open collections: where each start is in `ahead` (`None` for the one whose
        // start was taken), whether it is a mapping, and the nodes read directly inside it.
        let mut open: Vec<(Option<usize>, bool, usize)> = vec![(None, false, 0)];
        while let Some(innermost) = open.last_mut() {
            let event = self.fetch()?;
            match event {
                Event::Scalar(..) | Event::Alias(_) => innermost.2 += 1,
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    innermost.2 += 1;
                    let mapping = matches!(event, Event::MappingStart(..));
                    open.push((Some(self.ahead.len()), mapping, 0));
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let (at, mapping, nodes) = open.pop().expect("one is open");
                    let size = if mapping { nodes / 2 } else { nodes };
                    let Some(at) = at else {
                        self.ahead.push_back((event, UNCOUNTED));
                        return Ok(size);
                    };
                    self.ahead[at].1 = size;
                }
                _ => return Err(GaveUp),
            }
            self.ahead.push_back((event, UNCOUNTED));
        }
        Err(GaveUp)
    }

    fn peek(&mut self) -> Result<&Event<'t>> {
        if self.ahead.is_empty() {
            let event = self.fetch()?;
            self.ahead.push_back((event, UNCOUNTED));
        }
        Ok(&self.ahead.front().expect("just filled").0)
    }

    /// The first event of the next node.
    fn start(&mut self) -> Result<Start<'t>> {
        match self.next()? {
            (Event::Scalar(value, style, ..), _) => {
                Ok(Start::Scalar(value, style == ScalarStyle::Plain))
            }
            (Event::SequenceStart(..), size) => Ok(Start::Sequence(size)),
            (Event::MappingStart(..), size) => Ok(Start::Mapping(size)),
            _ => Err(GaveUp),
        }
    }

    /// Whether the next node is an unquoted scalar that resolves to null.
    fn next_is_null(&mut self) -> Result<bool> {
        Ok(matches!(self.peek()?, Event::Scalar(s, ScalarStyle::Plain, ..) if parse_null(s)))
    }

    /// Reads past the rest of a collection whose start was read.
    fn skip_rest(&mut self) -> Result<()> {
        let mut open = 1usize;
        while open > 0 {
            match self.next()?.0 {
                Event::SequenceStart(..) | Event::MappingStart(..) => open += 1,
                Event::SequenceEnd | Event::MappingEnd => open -= 1,
                Event::Scalar(..) => {}
                _ => return Err(GaveUp),
            }
        }
        Ok(())
    }

    /// What comes next in a mapping: its end, or a key's hash and whether it is `example`.
    fn next_key(&mut self) -> Result<Option<(u64, bool)>> {
        self.peek()?;
        match self.ahead.front().map(|(event, _)| event) {
            Some(Event::MappingEnd) => Ok(None),
            Some(Event::Scalar(key, ..)) => Ok(Some((self.hasher.hash_one(key), key == "example"))),
            // A collection as a key has no name the spec could use.
            _ => Err(GaveUp),
        }
    }
}

/// Visits a scalar as an untyped value: `de`'s resolution, borrowed from the text when the
/// parser did not have to unescape it.
fn visit_scalar<'t, V: Visitor<'t>>(
    value: Cow<'t, str>,
    plain: bool,
    visitor: V,
) -> Result<V::Value> {
    if plain {
        match resolve(&value) {
            Resolved::Null => return visitor.visit_unit(),
            Resolved::Bool(b) => return visitor.visit_bool(b),
            Resolved::Unsigned(n) => return visitor.visit_u64(n),
            Resolved::Signed(n) => return visitor.visit_i64(n),
            Resolved::Float(f) => return visitor.visit_f64(f),
            Resolved::Str(_) => {}
        }
    }
    visit_str(value, visitor)
}

fn visit_str<'t, V: Visitor<'t>>(value: Cow<'t, str>, visitor: V) -> Result<V::Value> {
    match value {
        Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
        // Copied, not moved: the parser's own string may hold spare room.
        Cow::Owned(s) => visitor.visit_str(&s),
    }
}

macro_rules! number {
    ($method:ident, $parse:ident, $visit:ident) => {
        fn $method<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value> {
            match self.start()? {
                Start::Scalar(s, true) => visitor.$visit($parse(&s).ok_or(GaveUp)?),
                _ => Err(GaveUp),
            }
        }
    };
}

macro_rules! forward {
    ($($method:ident => $to:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value> {
            self.$to(visitor)
        })*
    };
}

impl<'t> de::Deserializer<'t> for &mut Stream<'t> {
    type Error = GaveUp;

    fn deserialize_any<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value> {
        match self.start()? {
            Start::Scalar(s, plain) => visit_scalar(s, plain, visitor),
            Start::Sequence(size) => visitor.visit_seq(Items(self, size)),
            Start::Mapping(size) => visitor.visit_map(Pairs::new(self, size)),
        }
    }

    fn deserialize_bool<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value> {
        match self.start()? {
            Start::Scalar(s, true) => visitor.visit_bool(parse_bool(&s).ok_or(GaveUp)?),
            _ => Err(GaveUp),
        }
    }

    number!(deserialize_i64, parse_signed, visit_i64);
    number!(deserialize_u64, parse_unsigned, visit_u64);
    number!(deserialize_f64, parse_float, visit_f64);

    forward! {
        deserialize_i8 => deserialize_i64,
        deserialize_i16 => deserialize_i64,
        deserialize_i32 => deserialize_i64,
        deserialize_u8 => deserialize_u64,
        deserialize_u16 => deserialize_u64,
        deserialize_u32 => deserialize_u64,
        deserialize_f32 => deserialize_f64,
        deserialize_char => deserialize_str,
        deserialize_string => deserialize_str,
        deserialize_identifier => deserialize_str,
        deserialize_bytes => deserialize_byte_buf,
    }

    /// Any scalar reads as a string, as written (a tagged one gave up already).
    fn deserialize_str<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value> {
        match self.start()? {
            Start::Scalar(s, _) => visit_str(s, visitor),
            _ => Err(GaveUp),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'t>>(self, _visitor: V) -> Result<V::Value> {
        Err(GaveUp)
    }

    fn deserialize_option<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value> {
        if self.next_is_null()? {
            self.next()?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value> {
        match self.start()? {
            Start::Scalar(s, true) if parse_null(&s) => visitor.visit_unit(),
            _ => Err(GaveUp),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'t>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'t>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    /// A sequence, or nothing at all (`key:`), which reads as an empty one.
    fn deserialize_seq<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value> {
        match self.start()? {
            Start::Sequence(size) => visitor.visit_seq(Items(self, size)),
            Start::Scalar(s, true) if s.is_empty() => visitor.visit_seq(Empty),
            _ => Err(GaveUp),
        }
    }

    fn deserialize_tuple<V: Visitor<'t>>(self, _: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'t>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    /// A mapping, or nothing at all (`key:`), which reads as an empty one.
    fn deserialize_map<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value> {
        match self.start()? {
            Start::Mapping(size) => visitor.visit_map(Pairs::new(self, size)),
            Start::Scalar(s, true) if s.is_empty() => visitor.visit_map(Empty),
            _ => Err(GaveUp),
        }
    }

    fn deserialize_struct<V: Visitor<'t>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    /// A unit variant's name, or a mapping with one key: the variant and its value.
    fn deserialize_enum<V: Visitor<'t>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.start()? {
            Start::Scalar(name, _) => visitor.visit_enum(name.into_owned().into_deserializer()),
            Start::Mapping(_) => {
                let value = visitor.visit_enum(Variant(self))?;
                match self.next()?.0 {
                    Event::MappingEnd => Ok(value),
                    _ => Err(GaveUp),
                }
            }
            Start::Sequence(_) => Err(GaveUp),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'t>>(self, visitor: V) -> Result<V::Value> {
        match self.start()? {
            Start::Scalar(..) => {}
            Start::Sequence(_) | Start::Mapping(_) => self.skip_rest()?,
        }
        visitor.visit_unit()
    }
}

/// An empty sequence or mapping, for `key:` read as one.
struct Empty;

impl<'t> SeqAccess<'t> for Empty {
    type Error = GaveUp;
    fn next_element_seed<T: DeserializeSeed<'t>>(&mut self, _: T) -> Result<Option<T::Value>> {
        Ok(None)
    }
}

impl<'t> MapAccess<'t> for Empty {
    type Error = GaveUp;
    fn next_key_seed<K: DeserializeSeed<'t>>(&mut self, _: K) -> Result<Option<K::Value>> {
        Ok(None)
    }
    fn next_value_seed<V: DeserializeSeed<'t>>(&mut self, _: V) -> Result<V::Value> {
        Err(GaveUp)
    }
}

/// The items of a sequence whose start was read, and how many are left.
struct Items<'s, 't>(&'s mut Stream<'t>, usize);

impl<'t> SeqAccess<'t> for Items<'_, 't> {
    type Error = GaveUp;

    fn next_element_seed<T: DeserializeSeed<'t>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if matches!(self.0.peek()?, Event::SequenceEnd) {
            self.0.next()?;
            return Ok(None);
        }
        self.1 = self.1.saturating_sub(1);
        seed.deserialize(&mut *self.0).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.1)
    }
}

/// The entries of a mapping whose start was read. A visitor that stops before the end (serde
/// never does on success) leaves the stream where the next read gives up.
struct Pairs<'s, 't> {
    stream: &'s mut Stream<'t>,
    /// Hashes of the keys read so far: a key seen twice, or two keys whose hashes collide,
    /// make the reading give up, and the tree reports the duplicate (or finds none).
    seen: Vec<u64>,
    /// The same, once there are more than a few: the `stacks` of a large platform.
    many: Option<hashbrown::HashSet<u64>>,
    /// Entries not yet read.
    left: usize,
}

impl<'s, 't> Pairs<'s, 't> {
    fn new(stream: &'s mut Stream<'t>, size: usize) -> Self {
        Pairs {
            stream,
            left: size,
            seen: Vec::new(),
            many: None,
        }
    }

    fn first_time(&mut self, hash: u64) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(hash);
        }
        if self.seen.contains(&hash) {
            return false;
        }
        self.seen.push(hash);
        if self.seen.len() > 16 {
            self.many = Some(self.seen.drain(..).collect());
        }
        true
    }
}

impl<'t> MapAccess<'t> for Pairs<'_, 't> {
    type Error = GaveUp;

    fn next_key_seed<K: DeserializeSeed<'t>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        self.stream.next_is_key = true;
        let Some((hash, example)) = self.stream.next_key()? else {
            self.stream.next()?;
            return Ok(None);
        };
        if !self.first_time(hash) {
            return Err(GaveUp);
        }
        if self.left != UNCOUNTED {
            self.left -= 1;
        }
        let key = seed.deserialize(&mut *self.stream)?;
        self.stream.next_is_example = example;
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'t>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.stream)
    }

    fn size_hint(&self) -> Option<usize> {
        (self.left != UNCOUNTED).then_some(self.left)
    }
}

/// The one entry of a mapping that holds an enum variant.
struct Variant<'s, 't>(&'s mut Stream<'t>);

impl<'t> de::EnumAccess<'t> for Variant<'_, 't> {
    type Error = GaveUp;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'t>>(self, seed: V) -> Result<(V::Value, Self)> {
        self.0.next_is_key = true;
        let name = seed.deserialize(&mut *self.0)?;
        Ok((name, self))
    }
}

impl<'t> de::VariantAccess<'t> for Variant<'_, 't> {
    type Error = GaveUp;

    fn unit_variant(self) -> Result<()> {
        match self.0.start()? {
            Start::Scalar(s, true) if parse_null(&s) => Ok(()),
            _ => Err(GaveUp),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'t>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(&mut *self.0)
    }

    fn tuple_variant<V: Visitor<'t>>(self, _: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(&mut *self.0, visitor)
    }

    fn struct_variant<V: Visitor<'t>>(
        self,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_map(&mut *self.0, visitor)
    }
}

/// The entries of the second piece's root mapping, in file order: the stacks after the cut.
struct Tail<V>(Vec<(String, V)>);

impl<'t, V: de::Deserialize<'t>> de::Deserialize<'t> for Tail<V> {
    fn deserialize<D: de::Deserializer<'t>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        struct Entries<V>(std::marker::PhantomData<V>);
        impl<'t, V: de::Deserialize<'t>> Visitor<'t> for Entries<V> {
            type Value = Tail<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mapping of stacks")
            }
            fn visit_map<A: MapAccess<'t>>(
                self,
                mut map: A,
            ) -> std::result::Result<Tail<V>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Tail(entries))
            }
        }
        deserializer.deserialize_map(Entries(std::marker::PhantomData))
    }
}
