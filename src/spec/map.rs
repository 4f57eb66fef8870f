//! The spec's maps by name (stacks, services, variables, volumes, environment): a vector of
//! entries sorted by key. It reads and iterates like the `BTreeMap` it replaces, in the same
//! order, but holds each entry once with no empty slots: a B-tree leaf keeps room for eleven
//! entries, so a stack of three variables carried eight empty ones (at 10,000 stacks, 48 MB
//! of `check`'s peak; BENCHMARKS.md). Specs are read once and looked up, never edited in
//! place at scale, so a sorted vector's slow insert does not matter.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Entries by name, sorted by name, each name once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Map<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for Map<V> {
    fn default() -> Self {
        Map {
            entries: Vec::new(),
        }
    }
}

impl<V> Map<V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.position(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_key_value(&self, key: &str) -> Option<(&String, &V)> {
        self.position(key).ok().map(|i| {
            let (k, v) = &self.entries[i];
            (k, v)
        })
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Sets `key` to `value`, returning the value it replaces.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.position(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, V> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> IterMut<'_, V> {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Builds the map from entries in any order. Of two entries with one key the later
    /// wins, as inserting them one by one into a `BTreeMap` would give.
    pub(crate) fn from_entries(mut entries: Vec<(String, V)>) -> Self {
        // Stable: entries with one key keep their order, so the last is the later one.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut unique: Vec<(String, V)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match unique.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => unique.push(entry),
            }
        }
        unique.shrink_to_fit();
        Map { entries: unique }
    }
}

pub type Iter<'a, V> =
    std::iter::Map<std::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> (&'a String, &'a V)>;
pub type IterMut<'a, V> = std::iter::Map<
    std::slice::IterMut<'a, (String, V)>,
    fn(&'a mut (String, V)) -> (&'a String, &'a mut V),
>;

impl<V, K: Borrow<str> + ?Sized> std::ops::Index<&K> for Map<V> {
    type Output = V;
    fn index(&self, key: &K) -> &V {
        let key = key.borrow();
        self.get(key)
            .unwrap_or_else(|| panic!("no entry `{key}` in the map"))
    }
}

impl<V> FromIterator<(String, V)> for Map<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        Map::from_entries(iter.into_iter().collect())
    }
}

impl<V> Extend<(String, V)> for Map<V> {
    fn extend<I: IntoIterator<Item = (String, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<V> IntoIterator for Map<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a Map<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = Iter<'a, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, V> IntoIterator for &'a mut Map<V> {
    type Item = (&'a String, &'a mut V);
    type IntoIter = IterMut<'a, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<V: Serialize> Serialize for Map<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Map<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
            type Value = Map<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Map<V>, A::Error> {
                let mut entries = Vec::with_capacity(access.size_hint().unwrap_or(0).min(4096));
                while let Some(entry) = access.next_entry()? {
                    entries.push(entry);
                }
                Ok(Map::from_entries(entries))
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

/// The schema of a `BTreeMap<String, V>`: an object whose values are `V`s.
impl<V: JsonSchema> JsonSchema for Map<V> {
    fn inline_schema() -> bool {
        <std::collections::BTreeMap<String, V>>::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        <std::collections::BTreeMap<String, V>>::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        <std::collections::BTreeMap<String, V>>::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        <std::collections::BTreeMap<String, V>>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::Map;

    proptest! {
        /// Built from the same entries in the same order, the map and a `BTreeMap` agree on
        /// every lookup and iterate alike: the spec reads the same after the swap.
        #[test]
        fn agrees_with_a_btreemap(entries in prop::collection::vec(("[a-e]{0,3}", any::<u8>()), 0..40),
                                  probes in prop::collection::vec("[a-e]{0,3}", 0..20)) {
            let ours: Map<u8> = entries.iter().cloned().collect();
            let mut theirs = BTreeMap::new();
            for (k, v) in entries.iter().cloned() {
                theirs.insert(k, v);
            }
            prop_assert!(ours.iter().eq(theirs.iter()));
            prop_assert_eq!(ours.len(), theirs.len());
            for probe in &probes {
                prop_assert_eq!(ours.get(probe), theirs.get(probe));
                prop_assert_eq!(ours.contains_key(probe), theirs.contains_key(probe));
            }
            let mut inserted = Map::new();
            for (k, v) in entries.iter().cloned() {
                inserted.insert(k, v);
            }
            prop_assert_eq!(&inserted, &ours);
            for probe in &probes {
                prop_assert_eq!(inserted.remove(probe), theirs.remove(probe));
            }
            prop_assert!(inserted.iter().eq(theirs.iter()));
        }
    }

    #[test]
    fn reads_a_yaml_mapping_in_key_order() {
        let map: Map<u32> = serde_yaml::from_str("b: 2\na: 1\nc: 3\n").unwrap();
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(map["b"], 2);
        assert_eq!(serde_yaml::to_string(&map).unwrap(), "a: 1\nb: 2\nc: 3\n");
    }
}
