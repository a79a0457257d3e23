//! Many fetches at once: a bounded pool of worker threads, results in input order.
//!
//! Policy: concurrency lives here, at the edge; the readers stay single-threaded and pure.
//! At most `max_concurrent` requests are in flight (at least one); each fetch keeps the
//! limits of its [`FetchOptions`]. Entry points: [`fetch_all`] and [`map_bounded`].

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use url::Url;

use super::{FetchError, FetchOptions, Fetched, fetch};

/// Fetches every URL with at most `max_concurrent` requests in flight; one result per
/// URL, in the order given. `max_concurrent` of 0 counts as 1.
pub fn fetch_all(
    urls: &[Url],
    options: &FetchOptions,
    max_concurrent: usize,
) -> Vec<Result<Fetched, FetchError>> {
    map_bounded(urls, max_concurrent, |url| fetch(url, options))
}

/// Runs `work` on every input with at most `max_concurrent` scoped worker threads and
/// returns the outputs in input order. `max_concurrent` of 0 counts as 1.
///
/// ```
/// let squares = feedmill::fetch::map_bounded(&[1, 2, 3], 2, |n| n * n);
/// assert_eq!(squares, [1, 4, 9]);
/// ```
pub fn map_bounded<T, R, F>(inputs: &[T], max_concurrent: usize, work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let workers = max_concurrent.clamp(1, inputs.len().max(1));
    if workers == 1 {
        return inputs.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(inputs.iter().map(|_| None).collect());
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(index) else {
                        return;
                    };
                    let output = work(input);
                    // A poisoned lock means another worker panicked; the scope re-raises
                    // that panic when it ends, so the value is still safe to store.
                    let mut results = results.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(slot) = results.get_mut(index) {
                        *slot = Some(output);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn results_keep_input_order_and_concurrency_stays_within_the_bound() {
        let in_flight = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let inputs: Vec<u64> = (0..12).collect();
        let outputs = map_bounded(&inputs, 3, |n| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            thread::sleep(Duration::from_millis(10 * (12 - n)));
            in_flight.fetch_sub(1, Ordering::SeqCst);
            n * 10
        });
        assert_eq!(outputs, inputs.iter().map(|n| n * 10).collect::<Vec<_>>());
        assert!(peak.load(Ordering::SeqCst) <= 3);
        assert!(peak.load(Ordering::SeqCst) >= 2);
    }

    #[test]
    fn zero_workers_means_one_and_no_inputs_means_no_outputs() {
        assert_eq!(map_bounded(&[1, 2], 0, |n| n + 1), [2, 3]);
        assert!(map_bounded(&[] as &[u8], 4, |n| *n).is_empty());
    }
}
