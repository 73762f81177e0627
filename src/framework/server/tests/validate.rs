//! ValidateResourceConfig: what depends on the Terraform that asks.

use super::*;

async fn validate(
    service: &ProviderService<TestProvider>,
    config: &Value,
    capabilities: Option<pb::ClientCapabilities>,
) -> Vec<pb::Diagnostic> {
    service
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "test_thing".into(),
            config: Some(encode(config, &thing_type())),
            client_capabilities: capabilities,
        })
        .await
        .diagnostics
}

#[tokio::test]
async fn write_only_values_need_a_terraform_that_announces_them() {
    let (service, _) = service().await;
    let config = thing(&[
        ("name", Value::string("a")),
        ("seed", Value::string("SECRET")),
        ("limits", limits(Value::Null, Value::string("TOKEN"))),
    ]);
    let modern = pb::ClientCapabilities {
        write_only_attributes_allowed: true,
        ..Default::default()
    };
    assert!(validate(&service, &config, Some(modern)).await.is_empty());
    // Terraform before 1.11 sends no capabilities (or none allowing write-only values).
    for capabilities in [None, Some(pb::ClientCapabilities::default())] {
        let refused = validate(&service, &config, capabilities).await;
        let paths: Vec<_> = refused
            .iter()
            .map(|d| d.attribute.as_ref().map(|p| p.steps.len()))
            .collect();
        assert_eq!(paths, vec![Some(1), Some(2)], "{refused:?}");
        assert!(refused
            .iter()
            .all(|d| d.summary == "Write-only attribute needs Terraform 1.11 or later"));
        assert!(refused[1].detail.contains("`limits.token`"), "{refused:?}");
    }
    let without_secrets = thing(&[("name", Value::string("a"))]);
    assert!(validate(&service, &without_secrets, None).await.is_empty());
}
