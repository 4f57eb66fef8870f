//! placeholder: criterion benchmarks of the pipeline stages (being written)
fn main() {}
