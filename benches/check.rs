//! The linearizability checker under criterion, on the peers' published histories
//! (`../shared/peers`): Porcupine's 102 etcd logs with verdicts, one at a time and all
//! together, and Porcupine's and Knossos's largest histories. Verdicts only, as
//! Porcupine's own `BenchmarkEtcdJepsen*` time them (parsing and counterexamples
//! excluded). `cargo bench --bench check`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use quorum_lab::check::{self, Budget, Checker, Format, Prepared, Verdict};

fn peers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers")
}

fn read(path: &Path, format: Option<Format>) -> Prepared {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    check::prepare(&text, format).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The verdict on `p`, as `qlab check` reaches it.
fn verdict(p: &Prepared) -> Verdict {
    let mut checker = Checker::new(p.spec.clone());
    checker.sync(&p.history.ops);
    check::decide(&mut checker, &mut Budget::unlimited())
}

/// Porcupine's etcd logs that its test suite gives a verdict (etcd_095 is empty).
fn etcd() -> Vec<(String, Prepared)> {
    (0..=102)
        .filter(|&n| n != 95)
        .map(|n| {
            let name = format!("etcd_{n:03}");
            let path = peers().join(format!("porcupine/test_data/jepsen/{name}.log"));
            (name, read(&path, Some(Format::JepsenLog)))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let logs = etcd();
    let mut group = c.benchmark_group("check");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("etcd all 102", |b| {
        b.iter(|| {
            for (_, p) in &logs {
                black_box(verdict(p));
            }
        })
    });
    // The ones Porcupine takes longest on.
    for name in ["etcd_002", "etcd_007", "etcd_057", "etcd_099"] {
        if let Some((_, p)) = logs.iter().find(|(n, _)| n == name) {
            group.bench_function(name, |b| b.iter(|| black_box(verdict(p))));
        }
    }
    let big = [
        ("kv c50-ok", "porcupine/test_data/kv/c50-ok.txt"),
        ("kv c50-bad", "porcupine/test_data/kv/c50-bad.txt"),
        ("knossos mutex etcd", "knossos/data/mutex/bad/etcd.edn"),
        (
            "knossos cas-failure",
            "knossos/data/cas-register/bad/cas-failure.edn",
        ),
    ];
    for (name, file) in big {
        let p = read(&peers().join(file), None);
        group.bench_function(name, |b| b.iter(|| black_box(verdict(&p))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
