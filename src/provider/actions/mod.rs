//! Actions (Terraform >= 1.14): operations run with `terraform apply
//! -invoke=action.<type>.<name>` or from a resource's `lifecycle { action_trigger }`.
//! Each file reads as the user's documentation of its action.

pub mod consumer_pause;
pub mod kv_bucket_purge;
pub mod publish;
pub mod stream_purge;

use crate::framework::{action, DynAction};
use crate::provider::client::NatsClient;
use std::sync::Arc;

/// Every action the provider offers.
pub fn all() -> Vec<Arc<dyn DynAction<NatsClient>>> {
    vec![
        action(publish::Publish),
        action(stream_purge::StreamPurge),
        action(kv_bucket_purge::KvBucketPurge),
        action(consumer_pause::ConsumerPause),
        action(consumer_pause::ConsumerResume),
    ]
}

/// "1 message", "3 messages".
pub(crate) fn messages(count: u64) -> String {
    counted(count, "message")
}

/// "1 key", "0 keys": a count with its noun in the right number.
pub(crate) fn counted(count: u64, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// `done/total`, reported about ten times over a long run and for every step of a
/// short one: often enough to show progress, rarely enough not to flood the output.
pub(crate) fn worth_reporting(done: usize, total: usize) -> bool {
    total <= 10 || done == total || done % total.div_ceil(10) == 0
}

#[cfg(test)]
mod tests {
    use super::worth_reporting;

    #[test]
    fn progress_is_reported_about_ten_times() {
        let cases = [(5, 5), (10, 10), (100, 10), (1000, 10), (95, 10)];
        for (total, expected) in cases {
            let reported = (1..=total).filter(|&d| worth_reporting(d, total)).count();
            assert!(
                reported == expected || reported == expected + 1,
                "{total}: {reported}"
            );
            assert!(worth_reporting(total, total), "the last step of {total}");
        }
    }
}
