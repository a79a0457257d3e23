//! Many fetches at once: a bounded pool of worker threads, results in input order.
//!
//! Policy: concurrency lives here, at the edge; the readers stay single-threaded and pure.
//! At most `max_concurrent` workers run (at least one) and, for fetches, at most
//! [`FetchOptions::max_per_host`] requests go to one host (host and port of the URL asked
//! for; redirects are not counted again) at once. A free worker takes the first request,
//! in input order, whose host has room, so it never waits on a busy host while another
//! host's requests wait; it waits only when every waiting request's host is full.
//! Entry points: [`Fetcher::get_all`], [`Fetcher::for_each_bounded`], [`fetch_all`] and
//! [`map_bounded`].
//!
//! Design: the per-host slot is held for the fetch only. [`Fetcher::for_each_bounded`]
//! runs the caller's follow-up (reading, parsing) on the same worker after the slot is
//! given back, so a slow parse never holds a host's slot, while `max_concurrent` still
//! bounds threads (and so memory) for fetch and parse together.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;

use url::Url;

use super::fetcher::modified;
use super::{FetchError, FetchOptions, Fetched, Fetcher, Request, Response, fetch};

impl Fetcher {
    /// Makes every request with at most `max_concurrent` in flight overall and at most
    /// [`FetchOptions::max_per_host`] per host; one result per request, in the order given.
    /// `max_concurrent` of 0 counts as 1.
    pub fn get_all(
        &self,
        requests: &[Request],
        max_concurrent: usize,
    ) -> Vec<Result<Response, FetchError>> {
        self.for_each_bounded(requests, max_concurrent, |_, result| result)
    }

    /// Like [`Fetcher::get_all`], then runs `then` on each request and its result on the
    /// same worker thread, returning its outputs in input order.
    ///
    /// The per-host bound covers the fetch only: the host's slot is free again before
    /// `then` runs. `max_concurrent` bounds the workers, so fetches and `then` calls
    /// together never run on more than that many threads.
    pub fn for_each_bounded<R, F>(
        &self,
        requests: &[Request],
        max_concurrent: usize,
        then: F,
    ) -> Vec<R>
    where
        R: Send,
        F: Fn(&Request, Result<Response, FetchError>) -> R + Sync,
    {
        self.for_each_item_bounded(requests, |request| request, max_concurrent, then)
    }

    /// Like [`Fetcher::for_each_bounded`] over any items that each carry a request
    /// (`request_of` tells which), so that `then` knows what each request was for.
    pub fn for_each_item_bounded<T, R, F>(
        &self,
        items: &[T],
        request_of: impl Fn(&T) -> &Request + Sync,
        max_concurrent: usize,
        then: F,
    ) -> Vec<R>
    where
        T: Sync,
        R: Send,
        F: Fn(&T, Result<Response, FetchError>) -> R + Sync,
    {
        let hosts: Vec<String> = items
            .iter()
            .map(|item| host_key(&request_of(item).url))
            .collect();
        bounded_per_key(
            items,
            &hosts,
            Limits {
                max_concurrent,
                max_per_key: self.options().max_per_host,
            },
            |item| self.get(request_of(item)),
            then,
        )
    }
}

/// Fetches every URL with a plain GET through one [`Fetcher`], at most `max_concurrent`
/// requests in flight (and at most [`FetchOptions::max_per_host`] per host); one result
/// per URL, in the order given. `max_concurrent` of 0 counts as 1.
pub fn fetch_all(
    urls: &[Url],
    options: &FetchOptions,
    max_concurrent: usize,
) -> Vec<Result<Fetched, FetchError>> {
    let fetcher = match Fetcher::new(options) {
        Ok(fetcher) => fetcher,
        // The error cannot be cloned; each URL's own attempt fails the same way, at once.
        Err(_) => return urls.iter().map(|url| fetch(url, options)).collect(),
    };
    let requests: Vec<Request> = urls.iter().cloned().map(Request::new).collect();
    fetcher.for_each_bounded(&requests, max_concurrent, |_, result| {
        result.and_then(modified)
    })
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
    let results = Results::new(inputs.len());
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(index) else {
                        return;
                    };
                    results.store(index, work(input));
                }
            });
        }
    });
    results.into_vec()
}

/// The host a request counts against: host and port (the scheme's default if none).
fn host_key(url: &Url) -> String {
    let port = url.port_or_known_default().unwrap_or(0);
    format!("{}:{port}", url.host_str().unwrap_or_default())
}

/// The two bounds of [`bounded_per_key`].
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Worker threads; 0 counts as 1.
    max_concurrent: usize,
    /// `first` calls at once for one key; 0 counts as 1.
    max_per_key: usize,
}

/// Runs `first` on every input with at most `limits.max_per_key` calls at once per key
/// (`keys[i]` is input `i`'s), then `then` on its result outside that bound, on at most
/// `limits.max_concurrent` workers; outputs in input order.
fn bounded_per_key<T, A, R>(
    inputs: &[T],
    keys: &[String],
    limits: Limits,
    first: impl Fn(&T) -> A + Sync,
    then: impl Fn(&T, A) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let workers = limits.max_concurrent.clamp(1, inputs.len().max(1));
    if workers == 1 {
        return inputs
            .iter()
            .map(|input| then(input, first(input)))
            .collect();
    }
    let schedule = Schedule::new(keys, limits.max_per_key.max(1));
    let results = Results::new(inputs.len());
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(slot) = schedule.take() {
                    let Some(input) = inputs.get(slot.index) else {
                        return;
                    };
                    let intermediate = first(input);
                    let index = slot.index;
                    drop(slot);
                    results.store(index, then(input, intermediate));
                }
            });
        }
    });
    results.into_vec()
}

/// Which inputs wait, grouped by key, and how many of each key are running.
struct Schedule {
    state: Mutex<Queues>,
    /// Signalled whenever a key's slot frees up.
    freed: Condvar,
    max_per_key: usize,
}

struct Queues {
    keys: Vec<KeyQueue>,
    /// Inputs not yet taken, over all keys.
    n_waiting: usize,
}

struct KeyQueue {
    /// Input indices in input order.
    waiting: VecDeque<usize>,
    running: usize,
}

/// A running input's hold on its key; gives the slot back when dropped, also when the work
/// panicked, so that the other workers never wait for it forever.
struct Slot<'a> {
    schedule: &'a Schedule,
    key: usize,
    index: usize,
}

impl Schedule {
    fn new(keys: &[String], max_per_key: usize) -> Self {
        let mut key_ids: HashMap<&str, usize> = HashMap::new();
        let mut queues: Vec<KeyQueue> = Vec::new();
        for (index, key) in keys.iter().enumerate() {
            let id = *key_ids.entry(key).or_insert_with(|| {
                queues.push(KeyQueue {
                    waiting: VecDeque::new(),
                    running: 0,
                });
                queues.len() - 1
            });
            queues[id].waiting.push_back(index);
        }
        Schedule {
            state: Mutex::new(Queues {
                keys: queues,
                n_waiting: keys.len(),
            }),
            freed: Condvar::new(),
            max_per_key,
        }
    }

    /// The first waiting input, in input order, whose key has room; waits while every
    /// waiting input's key is full. `None` once nothing waits.
    fn take(&self) -> Option<Slot<'_>> {
        let mut state = self.lock();
        loop {
            if state.n_waiting == 0 {
                return None;
            }
            let ready = state
                .keys
                .iter()
                .enumerate()
                .filter(|(_, queue)| queue.running < self.max_per_key)
                .filter_map(|(key, queue)| queue.waiting.front().map(|&index| (index, key)))
                .min();
            if let Some((index, key)) = ready {
                let queue = &mut state.keys[key];
                queue.waiting.pop_front();
                queue.running += 1;
                state.n_waiting -= 1;
                return Some(Slot {
                    schedule: self,
                    key,
                    index,
                });
            }
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queues> {
        // Only counters live under the lock, and no code that can panic runs while it is
        // held, so a poisoned lock still holds consistent counts.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut state = self.schedule.lock();
        if let Some(queue) = state.keys.get_mut(self.key) {
            queue.running = queue.running.saturating_sub(1);
        }
        drop(state);
        self.schedule.freed.notify_all();
    }
}

/// Outputs filled in by index from many threads.
struct Results<R>(Mutex<Vec<Option<R>>>);

impl<R> Results<R> {
    fn new(len: usize) -> Self {
        Results(Mutex::new((0..len).map(|_| None).collect()))
    }

    fn store(&self, index: usize, output: R) {
        // A poisoned lock means another worker panicked; the scope re-raises that panic
        // when it ends, so the value is still safe to store.
        let mut results = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = results.get_mut(index) {
            *slot = Some(output);
        }
    }

    fn into_vec(self) -> Vec<R> {
        self.0
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .flatten()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    /// Long enough that a missing signal means the scheduler really did not run the
    /// sender; never reached when the test passes.
    const SIGNAL_TIMEOUT: Duration = Duration::from_secs(5);

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
        let keys = vec!["a".to_owned(); 2];
        let limits = Limits {
            max_concurrent: 0,
            max_per_key: 0,
        };
        assert_eq!(
            bounded_per_key(&[1, 2], &keys, limits, |n| n + 1, |_, n| n),
            [2, 3]
        );
        let limits = Limits {
            max_concurrent: 4,
            max_per_key: 2,
        };
        assert!(bounded_per_key(&[] as &[u8], &[], limits, |n| *n, |_, n| n).is_empty());
    }

    #[test]
    fn host_is_host_and_port_with_the_default_port_filled_in() {
        let key = |url: &str| host_key(&Url::parse(url).expect("URL"));
        assert_eq!(key("https://example.org/a"), "example.org:443");
        assert_eq!(key("http://example.org/a"), "example.org:80");
        assert_eq!(key("http://example.org:8080/b"), "example.org:8080");
        assert_eq!(key("http://127.0.0.1:9/"), "127.0.0.1:9");
    }

    /// How many calls of each key ran at once, at most.
    #[derive(Default)]
    struct PeakPerKey(Mutex<HashMap<String, (usize, usize)>>);

    impl PeakPerKey {
        fn enter(&self, key: &str) {
            let mut counts = self.0.lock().expect("not poisoned");
            let (running, peak) = counts.entry(key.to_owned()).or_default();
            *running += 1;
            *peak = (*peak).max(*running);
        }

        fn leave(&self, key: &str) {
            let mut counts = self.0.lock().expect("not poisoned");
            counts.entry(key.to_owned()).or_default().0 -= 1;
        }

        fn peak(&self, key: &str) -> usize {
            self.0
                .lock()
                .expect("not poisoned")
                .get(key)
                .map_or(0, |c| c.1)
        }
    }

    #[test]
    fn each_key_stays_within_its_bound_and_outputs_keep_input_order() {
        let keys: Vec<String> = (0..12).map(|n| ["a", "b", "c"][n % 3].to_owned()).collect();
        let inputs: Vec<usize> = (0..12).collect();
        let counts = PeakPerKey::default();
        let limits = Limits {
            max_concurrent: 6,
            max_per_key: 2,
        };
        let outputs = bounded_per_key(
            &inputs,
            &keys,
            limits,
            |&n| {
                counts.enter(&keys[n]);
                thread::sleep(Duration::from_millis(5));
                counts.leave(&keys[n]);
                n * 10
            },
            |&n, doubled| (n, doubled),
        );
        assert_eq!(
            outputs,
            inputs.iter().map(|&n| (n, n * 10)).collect::<Vec<_>>()
        );
        for key in ["a", "b", "c"] {
            let peak = counts.peak(key);
            assert!((1..=2).contains(&peak), "key {key}: peak {peak}");
        }
    }

    #[test]
    fn a_free_worker_skips_a_busy_key_for_one_with_room() {
        // With one slot per key, the first `a` can only finish early if the `b` behind the
        // second `a` runs while it is still running.
        let keys: Vec<String> = ["a", "a", "b"].map(str::to_owned).into();
        let (sender, receiver) = mpsc::channel();
        let (sender, receiver) = (Mutex::new(sender), Mutex::new(receiver));
        let limits = Limits {
            max_concurrent: 2,
            max_per_key: 1,
        };
        let outputs = bounded_per_key(
            &[0, 1, 2],
            &keys,
            limits,
            |&n| match n {
                0 => receiver
                    .lock()
                    .expect("not poisoned")
                    .recv_timeout(SIGNAL_TIMEOUT)
                    .is_ok(),
                2 => sender.lock().expect("not poisoned").send(()).is_ok(),
                _ => true,
            },
            |_, ok| ok,
        );
        assert_eq!(outputs, [true, true, true]);
    }

    #[test]
    fn the_follow_up_runs_after_the_key_slot_is_given_back() {
        // The first input's follow-up waits for the second input's `first`; both have the
        // same key and one slot, so that only works if the slot is free during `then`.
        let keys = vec!["a".to_owned(); 2];
        let (sender, receiver) = mpsc::channel();
        let (sender, receiver) = (Mutex::new(sender), Mutex::new(receiver));
        let limits = Limits {
            max_concurrent: 2,
            max_per_key: 1,
        };
        let outputs = bounded_per_key(
            &[0, 1],
            &keys,
            limits,
            |&n| n == 1 && sender.lock().expect("not poisoned").send(()).is_ok(),
            |&n, sent| match n {
                0 => receiver
                    .lock()
                    .expect("not poisoned")
                    .recv_timeout(SIGNAL_TIMEOUT)
                    .is_ok(),
                _ => sent,
            },
        );
        assert_eq!(outputs, [true, true]);
    }

    #[test]
    fn a_panicking_fetch_frees_its_slot_so_the_others_finish_and_the_panic_surfaces() {
        let keys = vec!["a".to_owned(); 3];
        let finished = AtomicUsize::new(0);
        let limits = Limits {
            max_concurrent: 2,
            max_per_key: 1,
        };
        let outcome = std::panic::catch_unwind(|| {
            bounded_per_key(
                &[0, 1, 2],
                &keys,
                limits,
                |&n| {
                    assert_ne!(n, 0, "the first input fails");
                    finished.fetch_add(1, Ordering::SeqCst);
                },
                |_, ()| (),
            )
        });
        assert!(outcome.is_err());
        assert_eq!(finished.load(Ordering::SeqCst), 2);
    }
}
