//! The engine's figures under criterion, for every registered protocol: the fixed
//! benchmark workload's throughput (events per second, as `qlab bench` reports it), the
//! cost of copying a run (the page copies one every frame) and of seeking in a
//! ten-minute history (time travel). `cargo bench --bench engine`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use quorum_lab::protocols::{workload, Spec, PROTOCOLS};
use quorum_lab::sim::rng::Rng;

/// Simulated time of one throughput iteration: long enough to be past the first election.
const WORKLOAD_MS: u64 = 2_000;
/// The run whose copies are timed (Raft: logs of about 1,000 entries), as `qlab bench`.
const CLONE_AT_MS: u64 = 10_050;
/// The live run seeks go back into, as `qlab bench`.
const SEEK_RUN_MS: u64 = 600_000;

fn throughput(c: &mut Criterion, spec: &'static Spec) {
    // Events per iteration are fixed (the run is deterministic), so criterion can turn
    // the time per iteration into events per second.
    let mut probe = workload::start(spec);
    workload::drive(&mut *probe, WORKLOAD_MS);
    let mut group = c.benchmark_group(spec.name);
    group.throughput(Throughput::Elements(probe.events()));
    group.bench_function("workload 2 s", |b| {
        b.iter_batched(
            || workload::start(spec),
            |mut run| {
                workload::drive(&mut *run, WORKLOAD_MS);
                run
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn clone(c: &mut Criterion, spec: &'static Spec) {
    let mut run = workload::start(spec);
    workload::drive(&mut *run, CLONE_AT_MS);
    c.bench_function(&format!("{}/clone after 10 s", spec.name), |b| {
        b.iter(|| black_box(run.boxed()))
    });
}

fn seek(c: &mut Criterion, spec: &'static Spec) {
    let (_, history) = workload::live_run(spec, SEEK_RUN_MS);
    // The same seeded times on every run, like `qlab bench`'s.
    let mut rng = Rng::new(7, 0);
    let times: Vec<u64> = (0..64)
        .map(|_| rng.range_inclusive(0, SEEK_RUN_MS))
        .collect();
    let mut next = times.iter().cycle();
    c.bench_function(&format!("{}/seek in a 10 min run", spec.name), |b| {
        b.iter(|| {
            let t = *next.next().expect("a cycle never ends");
            black_box(history.seek(t, 0))
        })
    });
}

fn engine(c: &mut Criterion) {
    for spec in PROTOCOLS {
        throughput(c, spec);
        clone(c, spec);
        seek(c, spec);
    }
}

criterion_group!(benches, engine);
criterion_main!(benches);
