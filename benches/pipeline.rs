//! Criterion benchmarks of the library stages on synthetic platforms of 10, 100 and 1,000
//! stacks (and 10,000 with `SEISEI_BENCH_LARGE=1`): `spec::load` (read and parse),
//! `model::build` (resolve and validate), `render::generate` (templates) and `output::plan`
//! against a tree written once (what `check` does after compiling).
//!
//! Throughput is reported in stacks, so criterion's "elem/s" reads as stacks per second and a
//! stage whose rate falls as the platform grows has a super-linear pass. Whole-process
//! timings, peak memory and the `diff -r` reference are in `benches/cli.sh`.
//!
//! Run with `cargo bench --bench pipeline`; `cargo bench --bench pipeline -- load` runs one
//! stage.

// The generator is shared with `cargo run --example synth`, so both measure the same bytes;
// its `main` and argument parsing are unused here.
#[path = "../examples/synth.rs"]
#[allow(dead_code)]
mod synth;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use seisei::{model, output, render, spec};

criterion_group! {
    name = benches;
    // Few samples and short windows: the largest sizes take a second or more per iteration,
    // and `cargo bench` should finish in minutes on a 2-core machine.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = stages
}
criterion_main!(benches);

/// Platform sizes, in stacks. 10,000 stacks takes long enough per iteration that it runs only
/// when asked for.
fn sizes() -> Vec<usize> {
    let mut sizes = vec![10, 100, 1_000];
    if std::env::var_os("SEISEI_BENCH_LARGE").is_some_and(|v| v == "1") {
        sizes.push(10_000);
    }
    sizes
}

/// One generated platform, compiled once, with its output tree on disk.
struct Fixture {
    stacks: usize,
    spec: PathBuf,
    source: spec::Source,
    model: model::Model,
    artifacts: Vec<render::Artifact>,
    output_dir: PathBuf,
}

fn stages(c: &mut Criterion) {
    let temp = tempfile::tempdir().expect("a temporary directory");
    let fixtures: Vec<Fixture> = sizes()
        .into_iter()
        .map(|stacks| fixture(temp.path(), stacks))
        .collect();

    let mut group = c.benchmark_group("load");
    for f in &fixtures {
        group.throughput(Throughput::Elements(f.stacks as u64));
        group.bench_with_input(BenchmarkId::from_parameter(f.stacks), f, |b, f| {
            b.iter(|| spec::load(black_box(&f.spec)).expect("the synthetic spec loads"));
        });
    }
    group.finish();

    let mut group = c.benchmark_group("model");
    for f in &fixtures {
        group.throughput(Throughput::Elements(f.stacks as u64));
        group.bench_with_input(BenchmarkId::from_parameter(f.stacks), f, |b, f| {
            b.iter(|| model::build(black_box(&f.source)).is_ok());
        });
    }
    group.finish();

    let mut group = c.benchmark_group("render");
    for f in &fixtures {
        group.throughput(Throughput::Elements(f.stacks as u64));
        group.bench_with_input(BenchmarkId::from_parameter(f.stacks), f, |b, f| {
            b.iter(|| render::generate(black_box(&f.model)).expect("the templates render"));
        });
    }
    group.finish();

    // What `check` runs: each file rendered and compared with the tree as both stream by.
    let mut group = c.benchmark_group("render_and_check");
    for f in &fixtures {
        group.throughput(Throughput::Elements(f.stacks as u64));
        group.bench_with_input(BenchmarkId::from_parameter(f.stacks), f, |b, f| {
            b.iter(|| {
                let outputs = render::outputs(black_box(&f.model)).expect("the templates render");
                let plan = output::plan(&f.output_dir, &outputs, &f.model.spec_name)
                    .expect("the output tree reads");
                assert!(plan.is_clean(), "the tree was written from this model");
                plan
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("check");
    for f in &fixtures {
        group.throughput(Throughput::Elements(f.stacks as u64));
        group.bench_with_input(BenchmarkId::from_parameter(f.stacks), f, |b, f| {
            b.iter(|| {
                let plan = output::plan(&f.output_dir, black_box(&f.artifacts), &f.model.spec_name)
                    .expect("the output tree reads");
                assert!(plan.is_clean(), "the tree was written from these artifacts");
                plan
            });
        });
    }
    group.finish();
}

/// Generates a platform of `stacks` stacks under `root`, compiles it and writes its output,
/// failing loudly if the generator ever produces an invalid spec.
fn fixture(root: &Path, stacks: usize) -> Fixture {
    let (spec_path, _) = synth::write_platform(&root.join(stacks.to_string()), stacks)
        .expect("the synthetic spec is written");
    let compiled = seisei::compile(&spec_path)
        .unwrap_or_else(|(_, problems)| panic!("{stacks} stacks: {} problems", problems.len()));
    assert!(
        compiled.warnings.is_empty(),
        "{stacks} stacks: {} warnings",
        compiled.warnings.len()
    );
    let plan = output::plan(
        &compiled.output_dir,
        &compiled.artifacts,
        &compiled.model.spec_name,
    )
    .expect("the plan");
    output::write(&compiled.output_dir, &plan, false).expect("the output tree is written");
    let seisei::Compiled { built, artifacts } = compiled;
    Fixture {
        stacks,
        spec: spec_path,
        source: built.source,
        model: built.model,
        artifacts,
        output_dir: built.output_dir,
    }
}
