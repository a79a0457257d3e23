//! Parse throughput of feedmill's reader against the `rss`, `feed-rs` and
//! `atom_syndication` crates on the same generated ~4 MB documents (see `support`).
//!
//! Run with `cargo bench --bench parse`; `benches/ratios.rs` prints the ratios between them.

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use feedmill::source::feed::{self, ReadOptions};

fn parse(c: &mut Criterion) {
    let rss_bytes = support::rss_document();
    let atom_bytes = support::atom_document();
    support::parsers_agree(&rss_bytes, &atom_bytes);
    let options = ReadOptions::default();

    let mut group = c.benchmark_group("rss2");
    group.throughput(Throughput::Bytes(rss_bytes.len() as u64));
    configure(&mut group);
    group.bench_function("feedmill", |b| {
        b.iter(|| feed::read(black_box(&rss_bytes), &options).unwrap())
    });
    group.bench_function("rss", |b| {
        b.iter(|| rss::Channel::read_from(black_box(&rss_bytes[..])).unwrap())
    });
    group.bench_function("feed-rs", |b| {
        b.iter(|| feed_rs::parser::parse(black_box(&rss_bytes[..])).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("atom10");
    group.throughput(Throughput::Bytes(atom_bytes.len() as u64));
    configure(&mut group);
    group.bench_function("feedmill", |b| {
        b.iter(|| feed::read(black_box(&atom_bytes), &options).unwrap())
    });
    group.bench_function("feed-rs", |b| {
        b.iter(|| feed_rs::parser::parse(black_box(&atom_bytes[..])).unwrap())
    });
    group.bench_function("atom_syndication", |b| {
        b.iter(|| atom_syndication::Feed::read_from(black_box(&atom_bytes[..])).unwrap())
    });
    group.finish();
}

/// Few, flat samples: one parse takes tens of milliseconds, and the whole run has to
/// fit in a few minutes on two cores.
fn configure<M: criterion::measurement::Measurement>(group: &mut criterion::BenchmarkGroup<'_, M>) {
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
}

criterion_group!(benches, parse);
criterion_main!(benches);
