//! The hash ring's recomputation at the size: 1,000 nodes (256 vnodes each on the
//! ring) and 100,000 keys, one join and one leave per scheme, each on a fresh copy of
//! the placement (the copy-on-write of the owners included, as the page pays it).
//! `cargo bench --bench ring`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use quorum_lab::protocols::ring::model::{Placement, Scheme};

/// 999 before the join, so the join makes the 1,000 the issue names (the most a placement holds).
const NODES: u32 = 999;
const VNODES: u32 = 256;
const KEYS: u32 = 100_000;

fn changes(c: &mut Criterion) {
    let mut group = c.benchmark_group("ring 1000 nodes 100k keys");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    for scheme in Scheme::ALL {
        let vnodes = if scheme == Scheme::Ring { VNODES } else { 1 };
        let base = Placement::new(scheme, NODES, vnodes, KEYS);
        let name = scheme.name();
        group.bench_function(format!("{name} join"), |b| {
            b.iter_batched(
                || base.clone(),
                |mut p| black_box(p.add_node(1, vnodes).unwrap().moved),
                BatchSize::LargeInput,
            )
        });
        let last = base.members().last().unwrap().id;
        group.bench_function(format!("{name} leave"), |b| {
            b.iter_batched(
                || base.clone(),
                |mut p| black_box(p.remove_node(last).unwrap().moved),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, changes);
criterion_main!(benches);
