//! The names seisei reserves in a tree: its manifest, its lock and its temporary files. Pure
//! facts, below `model` (which refuses outputs that would collide with them) and `output`
//! (which writes and cleans them).

/// Name of the manifest inside the output directory: the list of files seisei generated.
pub const MANIFEST: &str = ".seisei-manifest";

/// The JSON Schema of the spec, inside the output directory, for editors.
pub const SCHEMA_FILE: &str = "platform.schema.json";

/// Name of the lock file beside the spec.
pub const LOCK_FILE: &str = ".seisei.lock";

/// What every temporary file name holds between the target's name and the random suffix:
/// `.docker-compose.yml.seisei-tmp-3f9a…`.
pub const TEMP_MARK: &str = ".seisei-tmp-";

/// Whether `name` is one of seisei's temporary file names: this version's random suffix, or
/// the process id older versions used.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with('.')
        && name.rfind(TEMP_MARK).is_some_and(|at| {
            let suffix = &name[at + TEMP_MARK.len()..];
            at > 0 && !suffix.is_empty() && suffix.chars().all(|c| c.is_ascii_alphanumeric())
        })
}
