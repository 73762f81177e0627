//! Which failures are retried, how long the pauses are, and what the final
//! error tells (in virtual time: nothing here sleeps for real).

use std::cell::RefCell;

use super::*;
use crate::nats::jetstream::ApiError;

fn api(code: u16, err_code: u64, description: &str) -> JetStreamError {
    JetStreamError::Api(ApiError {
        code,
        err_code: ErrorCode(err_code),
        description: description.to_owned(),
    })
}

fn timed_out(timeout: Duration) -> JetStreamError {
    JetStreamError::TimedOut {
        subject: "$JS.API.STREAM.CREATE.S".into(),
        timeout,
    }
}

fn no_responders() -> JetStreamError {
    JetStreamError::NoResponders {
        subject: "$JS.API.STREAM.CREATE.S".into(),
    }
}

#[test]
fn refusals_while_a_cluster_heals_are_retried_as_not_done() {
    let not_done = [
        no_responders(),
        JetStreamError::Status {
            subject: "s".into(),
            status: 503,
            description: None,
        },
        api(503, 10008, "JetStream system temporarily unavailable"),
        api(500, 10009, "JetStream cluster can not handle request"),
        api(503, 10004, "incomplete results"),
        api(500, 10118, "stream is offline"),
        api(500, 10119, "consumer is offline"),
        api(503, 0, "unavailable"),
    ];
    for err in not_done {
        assert_eq!(classify(&err), Some(Transient::NotDone), "{err}");
    }
}

#[test]
fn silence_is_retried_as_maybe_done() {
    assert_eq!(
        classify(&timed_out(Duration::from_secs(1))),
        Some(Transient::MaybeDone)
    );
}

#[test]
fn answers_and_configuration_errors_are_not_retried() {
    let final_errors = [
        api(503, 10039, "jetstream not enabled for account"),
        api(503, 10076, "jetstream not enabled"),
        api(404, 10059, "stream not found"),
        api(
            400,
            10058,
            "stream name already in use with a different configuration",
        ),
        api(400, 10148, "consumer already exists"),
        api(500, 10023, "insufficient resources"),
        JetStreamError::Status {
            subject: "s".into(),
            status: 404,
            description: None,
        },
        JetStreamError::MissingHeader {
            subject: "s".into(),
            header: "Nats-Sequence",
        },
    ];
    for err in final_errors {
        assert_eq!(classify(&err), None, "{err}");
    }
    let retried = JetStreamError::Retried {
        subject: "s".into(),
        attempts: 2,
        budget: Duration::from_secs(1),
        retried: String::new(),
        last: Box::new(no_responders()),
    };
    assert_eq!(
        classify(&retried),
        None,
        "a given-up request stays given up"
    );
}

#[test]
fn backoff_doubles_from_100ms_to_2s_with_jitter_in_the_upper_half() {
    let ms = |retry, jitter| backoff(retry, jitter).as_millis();
    assert_eq!(
        (1..=7).map(|retry| ms(retry, 1.0)).collect::<Vec<_>>(),
        [100, 200, 400, 800, 1600, 2000, 2000]
    );
    assert_eq!(
        (1..=7).map(|retry| ms(retry, 0.0)).collect::<Vec<_>>(),
        [50, 100, 200, 400, 800, 1000, 1000]
    );
    assert_eq!(ms(3, 0.5), 300);
    assert_eq!(ms(u32::MAX, 1.0), 2000, "no overflow on a long run");
    assert_eq!(ms(0, 1.0), 100, "retry 0 is read as the first");
    assert_eq!((ms(2, -3.0), ms(2, 9.0)), (100, 200), "jitter is clamped");
}

#[test]
fn random_fractions_are_fractions() {
    for _ in 0..1000 {
        let fraction = random_fraction();
        assert!((0.0..1.0).contains(&fraction), "{fraction}");
    }
}

#[test]
fn an_attempt_waits_half_the_budget_or_what_is_left() {
    let s = Duration::from_secs;
    let ms = Duration::from_millis;
    assert_eq!(attempt_timeout(s(5), s(5)), ms(2500));
    assert_eq!(attempt_timeout(s(5), s(2)), s(2));
    assert_eq!(attempt_timeout(s(5), ms(30)), ms(30));
    assert_eq!(
        attempt_timeout(ms(100), ms(100)),
        ms(100),
        "tiny budgets get one full try"
    );
    assert_eq!(attempt_timeout(s(5), Duration::ZERO), Duration::ZERO);
}

/// Runs `with_retries` over `outcomes` (one per attempt, then successes),
/// returning the result and the waits each attempt was given.
async fn run(
    budget: Duration,
    repeat: Repeat,
    outcomes: Vec<Result<u32, JetStreamError>>,
) -> (Attempted<u32>, Vec<Duration>) {
    let outcomes = RefCell::new(outcomes.into_iter());
    let waits = RefCell::new(Vec::new());
    let attempted = with_retries("$JS.API.STREAM.CREATE.S", budget, repeat, |wait| {
        waits.borrow_mut().push(wait);
        let next = outcomes.borrow_mut().next().unwrap_or(Ok(0));
        async move {
            tokio::time::sleep(match &next {
                Err(JetStreamError::TimedOut { timeout, .. }) => *timeout,
                _ => Duration::from_millis(1),
            })
            .await;
            next
        }
    })
    .await;
    (attempted, waits.into_inner())
}

#[tokio::test(start_paused = true)]
async fn transient_failures_are_retried_until_success() {
    let (attempted, waits) = run(
        Duration::from_secs(5),
        Repeat::Safe,
        vec![
            Err(no_responders()),
            Err(api(503, 10008, "JetStream system temporarily unavailable")),
            Ok(7),
        ],
    )
    .await;
    assert_eq!(attempted.result.unwrap(), 7);
    assert!(!attempted.earlier_maybe_done, "refusals did nothing");
    assert_eq!(waits.len(), 3);
    assert_eq!(waits[0], Duration::from_millis(2500));
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_attempt_marks_the_outcome_as_maybe_done_earlier() {
    let (attempted, _) = run(
        Duration::from_secs(5),
        Repeat::Safe,
        vec![Err(timed_out(Duration::from_millis(2500))), Ok(1)],
    )
    .await;
    assert_eq!(attempted.result.unwrap(), 1);
    assert!(attempted.earlier_maybe_done);
}

#[tokio::test(start_paused = true)]
async fn a_final_error_is_returned_at_once_and_unwrapped() {
    let started = Instant::now();
    let (attempted, waits) = run(
        Duration::from_secs(5),
        Repeat::Safe,
        vec![Err(api(404, 10059, "stream not found"))],
    )
    .await;
    let err = attempted.result.unwrap_err();
    assert_eq!(err.to_string(), "stream not found (10059)");
    assert_eq!(waits.len(), 1);
    assert!(started.elapsed() < Duration::from_millis(10));
}

#[tokio::test(start_paused = true)]
async fn the_budget_bounds_the_retries_and_the_error_names_them() {
    let started = Instant::now();
    let budget = Duration::from_secs(3);
    let (attempted, waits) = run(
        budget,
        Repeat::Safe,
        std::iter::repeat_with(|| Err(api(503, 10008, "JetStream system temporarily unavailable")))
            .take(100)
            .collect(),
    )
    .await;
    assert!(started.elapsed() <= budget, "{:?}", started.elapsed());
    let err = attempted.result.unwrap_err();
    let attempts = waits.len() as u32;
    assert!(
        attempts >= 5,
        "pauses of 50-100, 100-200, ... ms fit: {attempts}"
    );
    assert_eq!(
        err.err_code(),
        Some(ErrorCode::CLUSTER_NOT_AVAILABLE),
        "the code survives"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "JetStream system temporarily unavailable (10008) (JetStream request $JS.API.STREAM.CREATE.S: {attempts} attempts within the 3s timeout; retried after: JetStream system temporarily unavailable (10008) (x{}))",
            attempts - 1
        )
    );
    let source = std::error::Error::source(&err)
        .and_then(|source| source.downcast_ref::<Box<JetStreamError>>())
        .map(|last| &**last);
    assert!(
        matches!(source, Some(JetStreamError::Api(_))),
        "the last error is the source"
    );
}

#[tokio::test(start_paused = true)]
async fn mixed_reasons_are_counted_apart_and_a_final_answer_ends_the_retries() {
    let (attempted, waits) = run(
        Duration::from_secs(10),
        Repeat::Safe,
        vec![
            Err(timed_out(Duration::from_secs(5))),
            Err(no_responders()),
            Err(no_responders()),
            Err(api(
                400,
                10058,
                "stream name already in use with a different configuration",
            )),
        ],
    )
    .await;
    assert_eq!(waits.len(), 4);
    assert!(attempted.earlier_maybe_done);
    let err = attempted.result.unwrap_err();
    assert_eq!(err.err_code(), Some(ErrorCode::STREAM_NAME_IN_USE));
    assert!(
        err.to_string().ends_with(
            "4 attempts within the 10s timeout; retried after: no reply within 5s (x1), no responders (x2))"
        ),
        "{err}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_publish_that_met_silence_is_not_sent_again() {
    let (attempted, waits) = run(
        Duration::from_secs(5),
        Repeat::OnlyIfNotDone,
        vec![
            Err(no_responders()),
            Err(timed_out(Duration::from_secs(2))),
            Ok(3),
        ],
    )
    .await;
    assert_eq!(waits.len(), 2, "the refusal is retried, the silence is not");
    assert_eq!(
        waits[0],
        Duration::from_secs(5),
        "no time is kept for a retry"
    );
    let err = attempted.result.unwrap_err();
    assert!(
        matches!(&err, JetStreamError::Retried { attempts: 2, last, .. }
        if matches!(**last, JetStreamError::TimedOut { .. })),
        "{err}"
    );
}

#[test]
fn a_create_recognises_its_own_earlier_attempt() {
    let wanted = serde_json::json!({"name": "S", "subjects": ["a.>"], "metadata": {"team": "x"}});
    let made = serde_json::json!({"name": "S", "subjects": ["a.>"], "max_msgs": -1,
        "metadata": {"team": "x", "_nats.ver": "2.15.1"}});
    assert!(json_within(&wanted, &made));
    let other =
        serde_json::json!({"name": "S", "subjects": ["a.>", "b"], "metadata": {"team": "x"}});
    assert!(!json_within(&wanted, &other), "arrays must be equal");
    let changed = serde_json::json!({"name": "S", "subjects": ["a.>"], "metadata": {"team": "y"}});
    assert!(!json_within(&wanted, &changed));
    let missing = serde_json::json!({"name": "S", "subjects": ["a.>"]});
    assert!(!json_within(&wanted, &missing));
}
