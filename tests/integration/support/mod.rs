//! Helpers shared by the test files: readers that see the generated text as its consumers do,
//! checks that compare each output with the model, the hostile platform, and small helpers.

pub mod checks;
pub mod findings;
pub mod hostile_platform;
pub mod readers;
