//! Responses that can stand for a failed request: a panic, a cancellation, or an
//! implementation that could not get as far as its real answer.

use crate::protocol::proto::tfplugin6 as pb;

/// A response made only of error diagnostics, and how many errors a response holds.
pub trait FailureResponse: Send + 'static {
    fn from_diagnostics(diagnostics: Vec<pb::Diagnostic>) -> Self;

    fn error_count(&self) -> usize;

    fn from_failure(summary: &str, detail: &str) -> Self
    where
        Self: Sized,
    {
        Self::from_diagnostics(vec![pb::Diagnostic {
            severity: pb::diagnostic::Severity::Error as i32,
            summary: summary.to_string(),
            detail: detail.to_string(),
            attribute: None,
        }])
    }

    fn from_panic(rpc: &str, message: &str) -> Self
    where
        Self: Sized,
    {
        Self::from_failure(
            "The provider crashed while handling this request",
            &format!(
                "{rpc} panicked: {message}. The provider keeps running; please report this bug."
            ),
        )
    }
}

fn errors(diagnostics: &[pb::Diagnostic]) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .count()
}

macro_rules! failure_responses {
    ($($module:ident),* $(,)?) => {
        $(
        // Some responses have nothing but diagnostics; the update then has no effect.
        #[allow(clippy::needless_update)]
        impl FailureResponse for pb::$module::Response {
            fn from_diagnostics(diagnostics: Vec<pb::Diagnostic>) -> Self {
                pb::$module::Response { diagnostics, ..Default::default() }
            }

            fn error_count(&self) -> usize {
                errors(&self.diagnostics)
            }
        })*
    };
}

failure_responses!(
    get_metadata,
    get_provider_schema,
    validate_provider_config,
    validate_resource_config,
    validate_data_resource_config,
    upgrade_resource_state,
    get_resource_identity_schemas,
    configure_provider,
    read_resource,
    plan_resource_change,
    apply_resource_change,
    import_resource_state,
    move_resource_state,
    read_data_source,
    upgrade_resource_identity,
    validate_list_resource_config,
    generate_resource_config,
    validate_ephemeral_resource_config,
    open_ephemeral_resource,
    renew_ephemeral_resource,
    close_ephemeral_resource,
    get_functions,
    validate_action_config,
    plan_action,
);

/// An invocation that failed completes with the diagnostics.
impl FailureResponse for pb::invoke_action::event::Completed {
    fn from_diagnostics(diagnostics: Vec<pb::Diagnostic>) -> Self {
        pb::invoke_action::event::Completed { diagnostics }
    }

    fn error_count(&self) -> usize {
        errors(&self.diagnostics)
    }
}

/// A listing that failed is one event carrying the diagnostics.
impl FailureResponse for Vec<pb::list_resource::Event> {
    fn from_diagnostics(diagnostics: Vec<pb::Diagnostic>) -> Self {
        vec![pb::list_resource::Event {
            diagnostic: diagnostics,
            ..Default::default()
        }]
    }

    fn error_count(&self) -> usize {
        self.iter().map(|event| errors(&event.diagnostic)).sum()
    }
}

/// Functions report failure as one error text, not diagnostics.
impl FailureResponse for pb::call_function::Response {
    fn from_diagnostics(diagnostics: Vec<pb::Diagnostic>) -> Self {
        let text = diagnostics
            .into_iter()
            .map(|d| format!("{}: {}", d.summary, d.detail))
            .collect::<Vec<_>>()
            .join("; ");
        pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text,
                function_argument: None,
            }),
        }
    }

    fn error_count(&self) -> usize {
        usize::from(self.error.is_some())
    }
}
