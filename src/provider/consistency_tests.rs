//! ONE check over everything the provider offers: every resource (with its list
//! configuration and identity), data source, ephemeral resource and action, and the
//! provider block. Model fields and schema attributes match both ways, a value of every
//! attribute survives the model, `Model::default()` round-trips, defaults are optional+computed
//! and pass their validators, and every validator can judge its attribute's type.

use super::config::{schema, ProviderConfig};
use super::NatsProvider;
use crate::framework::consistency::{read_problems, schema_problems};
use crate::framework::Provider;

#[test]
fn every_model_matches_its_schema() {
    let provider = NatsProvider;
    let mut problems: Vec<String> = Vec::new();
    let mut note = |subject: &str, found: Vec<String>| {
        problems.extend(found.into_iter().map(|p| format!("{subject}: {p}")));
    };
    for resource in provider.resources() {
        note(resource.type_name(), resource.consistency_problems());
    }
    for data_source in provider.data_sources() {
        let subject = format!("data source {}", data_source.type_name());
        note(&subject, data_source.consistency_problems());
    }
    for ephemeral in provider.ephemeral_resources() {
        let subject = format!("ephemeral {}", ephemeral.type_name());
        note(&subject, ephemeral.consistency_problems());
    }
    for action in provider.actions() {
        let subject = format!("action {}", action.type_name());
        note(&subject, action.consistency_problems());
    }
    note("provider block", schema_problems(&schema()));
    note("provider block", read_problems::<ProviderConfig>(&schema()));
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn every_type_is_checked() {
    let provider = NatsProvider;
    // The check above walks what the provider registers; make sure it registers some
    // of each, so an empty registry cannot pass it vacuously.
    assert!(provider.resources().len() >= 11);
    assert!(provider.data_sources().len() >= 6);
    assert!(!provider.ephemeral_resources().is_empty());
    assert!(provider.actions().len() >= 5);
}
