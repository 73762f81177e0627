//! Planning. The files follow from the configuration alone, so `content`, its hash and
//! `files` are planned exactly whenever every value the file depends on is known; the
//! live view (`connections`) is known only after an apply that reloads, so any apply
//! plans it unknown.

use super::live;
use super::render::{render, sha256_hex, RenderError};
use super::schema::LeafnodeConfigModel;
use crate::framework::{Field, PlanContext};
use crate::provider::client::NatsClient;

type Model = LeafnodeConfigModel;

/// Whether the last apply left a remote not connected (the next one reloads again).
fn disconnected(prior: &Model) -> bool {
    prior
        .connections
        .known()
        .is_some_and(|all| all.iter().any(|c| c.connected == Some(false)))
}

pub async fn modify_plan(client: &NatsClient, plan: &mut PlanContext<'_>) {
    if plan.is_destroy() {
        return;
    }
    let Some(planned) = plan.read_planned::<Model>() else {
        return;
    };
    let prior = plan.read_prior::<Model>();
    let rendered = match render(&planned) {
        Ok(rendered) => Some(rendered),
        Err(RenderError::NotKnown) => None,
        Err(RenderError::Invalid(diagnostic)) => {
            plan.diagnostics.push(diagnostic);
            return;
        }
    };
    let files = rendered.as_ref().map(|r| r.file_hashes());
    let applies = match &prior {
        None => true,
        Some(prior) => {
            files.as_ref() != prior.files.known()
                || disconnected(prior)
                || planned.reload != prior.reload
                || planned.connect_timeout != prior.connect_timeout
        }
    };
    let connections = match &prior {
        Some(prior) if !applies => prior.connections.clone(),
        _ => Field::Unknown,
    };
    let known = rendered.is_some();
    plan.update_planned(|model: &mut Model| {
        model.id = model.server_name.clone();
        model.connections = connections;
        match (rendered, files) {
            (Some(rendered), Some(files)) => {
                model.content_sha256 = Field::Known(sha256_hex(rendered.content.as_bytes()));
                model.content = Field::Known(rendered.content);
                model.files = Field::Known(files);
            }
            _ => {
                model.content_sha256 = Field::Unknown;
                model.content = Field::Unknown;
                model.files = Field::Unknown;
            }
        }
    });
    if known {
        if let Some(diagnostic) = live::check_unique_name(client, &planned).await {
            plan.diagnostics.push(diagnostic);
        }
    }
}
