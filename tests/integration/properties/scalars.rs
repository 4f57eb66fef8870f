//! seisei's deserializer resolves unquoted scalars as `serde_yaml` does.

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

use super::*;

/// seisei's own deserializer (`spec::de`) resolves an unquoted scalar to null, a boolean, a
/// number or a string by hand-written rules; they must agree with `serde_yaml`'s, which the
/// spec was read with before, so a spec keeps its meaning. The scalars are built to sit on
/// the borders: signs, radix prefixes, leading zeros, underscores, exponents, `.inf`, YAML 1.1
/// words.
#[test]
fn plain_scalars_resolve_as_serde_yaml_resolves_them() {
    let number = "[-+]{0,2}(0x|0o|0b|0)?[0-9a-fA-F_]{0,5}(\\.[0-9]{0,3})?([eE][-+]?[0-9]{1,3})?";
    let special = select(vec![
        "~",
        "null",
        "Null",
        "NULL",
        "nULL",
        "true",
        "True",
        "TRUE",
        "tRUE",
        "false",
        "FALSE",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        ".inf",
        "-.inf",
        "+.inf",
        ".Inf",
        ".NaN",
        ".nan",
        "nan",
        "inf",
        "infinity",
        "0",
        "-0",
        "+0",
        "00",
        "0.",
        ".5",
        "1_000",
        "0x",
        "0o8",
        "0b2",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "1e400",
        "-1e400",
        "0755",
        "0x_1F",
    ])
    .prop_map(str::to_owned);
    let strategy = prop_oneof![
        number.prop_map(|s| s),
        special,
        "[a-zA-Z0-9.+_-]{1,8}".prop_map(|s| s),
    ];
    proptest!(config(FUNCTION_CASES), |(scalar in strategy)| {
        let text = format!("- {scalar}\n");
        let theirs: Value = match serde_yaml::from_str::<serde_yaml::Value>(&text) {
            Ok(serde_yaml::Value::Sequence(items)) if items.len() == 1 => {
                serde_json::to_value(&items[0]).expect("a scalar converts")
            }
            // Not a single plain scalar to libyaml (`-`, `- -x`): nothing to compare.
            _ => return Ok(()),
        };
        let document = seisei::spec::Document::parse(&text).expect("saphyr reads what libyaml reads");
        let ours: Vec<Value> = seisei::spec::de::from_node(&document, document.root().expect("a root"))
            .expect("seisei deserializes it");
        prop_assert_eq!(ours.len(), 1);
        prop_assert_eq!(&ours[0], &theirs, "{:?}", scalar);
        // The reading with no tree (`spec::stream`) resolves it with the same rules. It gives
        // up on a scalar that looks like a credential, for the tree to report.
        let streamed = seisei::spec::stream::value::<Vec<Value>>(&text);
        if seisei::spec::secrets::credential_kind(&scalar).is_none() {
            prop_assert_eq!(streamed, Some(ours), "{:?}", scalar);
        }
    });
}
