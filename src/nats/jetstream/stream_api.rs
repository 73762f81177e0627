//! Stream operations: create, update, info, delete, purge, names and list.
//!
//! Create and update are pedantic: the server refuses a config it would
//! otherwise adjust silently (err_code 10157), so what Terraform planned is
//! what the server holds, or the apply fails saying why.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::names::check_asset_name;
use super::retry::{json_within, Attempted};
use super::stream::{StreamConfig, StreamInfo};
use super::{ErrorCode, JetStreamApi, JetStreamError};

/// `STREAM.CREATE`/`STREAM.UPDATE` body: the config plus the request-scoped
/// `pedantic` flag (the server's `StreamConfigRequest`).
#[derive(Serialize)]
struct PedanticStreamConfig<'a> {
    #[serde(flatten)]
    config: &'a StreamConfig,
    pedantic: bool,
}

#[derive(Serialize)]
struct PagedRequest<'a> {
    offset: u64,
    /// Only streams listening on subjects that match this filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
}

/// One page of `STREAM.NAMES`/`STREAM.LIST`/`CONSUMER.NAMES`/`CONSUMER.LIST`
/// (whose arrays the server sends as `null` when empty).
#[derive(Deserialize)]
pub(crate) struct Page<T> {
    pub total: u64,
    #[serde(default = "Option::default", alias = "streams", alias = "consumers")]
    pub items: Option<Vec<T>>,
}

#[derive(Deserialize)]
pub(crate) struct SuccessReply {
    #[serde(default)]
    success: bool,
}

#[derive(Deserialize)]
struct PurgeReply {
    #[serde(default)]
    purged: u64,
}

impl JetStreamApi {
    /// `STREAM.CREATE`. Creating a stream that exists with the very same
    /// config succeeds; with another config it fails with
    /// [`ErrorCode::STREAM_NAME_IN_USE`].
    pub async fn create_stream(&self, config: &StreamConfig) -> Result<StreamInfo, JetStreamError> {
        self.write_stream("CREATE", config).await
    }

    /// `STREAM.UPDATE`: the whole new config, not a patch.
    pub async fn update_stream(&self, config: &StreamConfig) -> Result<StreamInfo, JetStreamError> {
        self.write_stream("UPDATE", config).await
    }

    async fn write_stream(
        &self,
        verb: &str,
        config: &StreamConfig,
    ) -> Result<StreamInfo, JetStreamError> {
        check_asset_name("stream", &config.name)?;
        let body = PedanticStreamConfig {
            config,
            pedantic: true,
        };
        let attempted = self
            .exchange(&format!("STREAM.{verb}.{}", config.name), &body)
            .await;
        match attempted.result {
            Err(err)
                if attempted.earlier_maybe_done
                    && err.err_code() == Some(ErrorCode::STREAM_NAME_IN_USE) =>
            {
                // An attempt that timed out may have made the stream: if
                // what the server holds is what we asked for, it is ours.
                match self.stream_info(&config.name).await? {
                    Some(info) if holds(config, &info.config) => Ok(info),
                    _ => Err(err),
                }
            }
            result => result,
        }
    }

    /// `STREAM.INFO`; `None` when there is no such stream.
    pub async fn stream_info(&self, name: &str) -> Result<Option<StreamInfo>, JetStreamError> {
        check_asset_name("stream", name)?;
        let reply = self.request_empty(&format!("STREAM.INFO.{name}")).await;
        absent_if(reply, &[ErrorCode::STREAM_NOT_FOUND])
    }

    /// `STREAM.DELETE`; `false` when the stream was already gone (and no
    /// earlier attempt of this call may have deleted it).
    pub async fn delete_stream(&self, name: &str) -> Result<bool, JetStreamError> {
        check_asset_name("stream", name)?;
        let attempted = self
            .exchange_bytes(&format!("STREAM.DELETE.{name}"), Vec::new())
            .await;
        deleted(attempted, &[ErrorCode::STREAM_NOT_FOUND])
    }

    /// `STREAM.PURGE` of every message; returns how many were removed.
    pub async fn purge_stream(&self, name: &str) -> Result<u64, JetStreamError> {
        check_asset_name("stream", name)?;
        let reply: PurgeReply = self
            .request(&format!("STREAM.PURGE.{name}"), &serde_json::json!({}))
            .await?;
        Ok(reply.purged)
    }

    /// Every stream name (`STREAM.NAMES`, all pages), optionally only those
    /// whose subjects match `subject_filter`.
    pub async fn stream_names(
        &self,
        subject_filter: Option<&str>,
    ) -> Result<Vec<String>, JetStreamError> {
        self.all_pages("STREAM.NAMES", subject_filter).await
    }

    /// Every stream with config and state (`STREAM.LIST`, 256 per page).
    pub async fn list_streams(
        &self,
        subject_filter: Option<&str>,
    ) -> Result<Vec<StreamInfo>, JetStreamError> {
        self.all_pages("STREAM.LIST", subject_filter).await
    }

    /// Every item of a paged names or list request.
    pub(crate) async fn all_pages<T: DeserializeOwned>(
        &self,
        subject_suffix: &str,
        subject_filter: Option<&str>,
    ) -> Result<Vec<T>, JetStreamError> {
        collect_pages(|offset| async move {
            let body = PagedRequest {
                offset,
                subject: subject_filter,
            };
            self.request(subject_suffix, &body).await
        })
        .await
    }
}

/// Asks for pages at growing offsets until `total` items arrived, or a page
/// comes back empty (streams deleted meanwhile shrink the total).
pub(crate) async fn collect_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, JetStreamError>
where
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, JetStreamError>>,
{
    let mut items = Vec::new();
    loop {
        let page = fetch(items.len() as u64).await?;
        let arrived = page.items.as_ref().map_or(0, Vec::len);
        items.extend(page.items.unwrap_or_default());
        if arrived == 0 || items.len() as u64 >= page.total {
            return Ok(items);
        }
    }
}

/// Whether everything `wanted` sets is set so in `actual` (which also holds
/// the defaults the server filled in and its own metadata): how a retried
/// create recognises what its own earlier attempt made.
pub(crate) fn holds<T: Serialize>(wanted: &T, actual: &T) -> bool {
    match (serde_json::to_value(wanted), serde_json::to_value(actual)) {
        (Ok(wanted), Ok(actual)) => json_within(&wanted, &actual),
        _ => false,
    }
}

/// A delete's outcome: gone already counts as deleted when an earlier
/// attempt of the same call may have done it.
pub(crate) fn deleted(
    attempted: Attempted<SuccessReply>,
    gone: &[ErrorCode],
) -> Result<bool, JetStreamError> {
    Ok(match absent_if(attempted.result, gone)? {
        Some(reply) => reply.success,
        None => attempted.earlier_maybe_done,
    })
}

/// Turns the "does not exist" error `codes` into `Ok(None)`.
pub(crate) fn absent_if<T>(
    reply: Result<T, JetStreamError>,
    codes: &[ErrorCode],
) -> Result<Option<T>, JetStreamError> {
    match reply {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.err_code().is_some_and(|code| codes.contains(&code)) => Ok(None),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nats::jetstream::ApiError;

    #[test]
    fn create_bodies_are_the_config_plus_pedantic() {
        let config = StreamConfig {
            subjects: vec!["orders.>".into()],
            ..StreamConfig::named("ORDERS")
        };
        let body = serde_json::to_value(PedanticStreamConfig {
            config: &config,
            pedantic: true,
        })
        .unwrap();
        assert_eq!(body["name"], "ORDERS");
        assert_eq!(body["pedantic"], true);
        assert_eq!(body["subjects"][0], "orders.>");
    }

    #[test]
    fn paged_requests_send_the_subject_only_when_filtering() {
        let all = serde_json::to_string(&PagedRequest {
            offset: 256,
            subject: None,
        })
        .unwrap();
        assert_eq!(all, r#"{"offset":256}"#);
        let some = serde_json::to_string(&PagedRequest {
            offset: 0,
            subject: Some("a.>"),
        })
        .unwrap();
        assert_eq!(some, r#"{"offset":0,"subject":"a.>"}"#);
    }

    #[tokio::test]
    async fn paging_stops_at_the_total_or_an_empty_page() {
        let pages = |offset: u64| async move {
            let items: Vec<u64> = (offset..(offset + 2).min(5)).collect();
            Ok(Page {
                total: 5,
                items: Some(items),
            })
        };
        assert_eq!(collect_pages(pages).await.unwrap(), vec![0, 1, 2, 3, 4]);

        let shrinking = |offset: u64| async move {
            let items = (offset == 0).then(|| vec![7]);
            Ok(Page { total: 3, items })
        };
        assert_eq!(collect_pages(shrinking).await.unwrap(), vec![7]);
    }

    #[test]
    fn not_found_becomes_none_and_other_errors_stay() {
        let gone = Err(JetStreamError::Api(ApiError {
            code: 404,
            err_code: ErrorCode::STREAM_NOT_FOUND,
            description: "stream not found".into(),
        }));
        assert!(absent_if::<()>(gone, &[ErrorCode::STREAM_NOT_FOUND])
            .unwrap()
            .is_none());
        let other = Err(JetStreamError::Api(ApiError {
            code: 500,
            err_code: ErrorCode(10049),
            description: "boom".into(),
        }));
        let kept = absent_if::<()>(other, &[ErrorCode::STREAM_NOT_FOUND]).unwrap_err();
        assert_eq!(kept.err_code(), Some(ErrorCode(10049)));
    }
}
