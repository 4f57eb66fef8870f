//! Encoders: one per output format, each turning a value into text its reader takes back as
//! that same value. They sit below `model`, so validation can ask "can this value be written?"
//! without knowing templates; `render` (through askama's escapers and filters) and `edit` write
//! with them. Pure functions of strings; they import nothing else from the crate.

pub mod comment;
pub mod dotenv;
pub mod go;
pub mod markdown;
pub mod yaml;
