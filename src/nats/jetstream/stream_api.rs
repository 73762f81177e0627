//! Stream operations: create, update, info, delete, purge, names and list.
//!
//! Create and update are pedantic: the server refuses a config it would
//! otherwise adjust silently (err_code 10157), so what Terraform planned is
//! what the server holds, or the apply fails saying why.

use serde::{Deserialize, Serialize};

use super::names::check_asset_name;
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
pub(crate) struct Page<T> {
    pub total: u64,
    pub items: Vec<T>,
}

#[derive(Deserialize)]
struct StreamNamesPage {
    total: u64,
    #[serde(default)]
    streams: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct StreamListPage {
    total: u64,
    #[serde(default)]
    streams: Option<Vec<StreamInfo>>,
}

#[derive(Deserialize)]
struct SuccessReply {
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
        self.request(&format!("STREAM.{verb}.{}", config.name), &body)
            .await
    }

    /// `STREAM.INFO`; `None` when there is no such stream.
    pub async fn stream_info(&self, name: &str) -> Result<Option<StreamInfo>, JetStreamError> {
        check_asset_name("stream", name)?;
        let reply = self.request_empty(&format!("STREAM.INFO.{name}")).await;
        absent_if(reply, &[ErrorCode::STREAM_NOT_FOUND])
    }

    /// `STREAM.DELETE`; `false` when the stream was already gone.
    pub async fn delete_stream(&self, name: &str) -> Result<bool, JetStreamError> {
        check_asset_name("stream", name)?;
        let reply = self
            .request_empty::<SuccessReply>(&format!("STREAM.DELETE.{name}"))
            .await;
        Ok(absent_if(reply, &[ErrorCode::STREAM_NOT_FOUND])?.is_some_and(|reply| reply.success))
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
        collect_pages(|offset| async move {
            let page: StreamNamesPage = self
                .request(
                    "STREAM.NAMES",
                    &PagedRequest {
                        offset,
                        subject: subject_filter,
                    },
                )
                .await?;
            Ok(Page {
                total: page.total,
                items: page.streams.unwrap_or_default(),
            })
        })
        .await
    }

    /// Every stream with config and state (`STREAM.LIST`, 256 per page).
    pub async fn list_streams(
        &self,
        subject_filter: Option<&str>,
    ) -> Result<Vec<StreamInfo>, JetStreamError> {
        collect_pages(|offset| async move {
            let page: StreamListPage = self
                .request(
                    "STREAM.LIST",
                    &PagedRequest {
                        offset,
                        subject: subject_filter,
                    },
                )
                .await?;
            Ok(Page {
                total: page.total,
                items: page.streams.unwrap_or_default(),
            })
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
        let arrived = page.items.len();
        items.extend(page.items);
        if arrived == 0 || items.len() as u64 >= page.total {
            return Ok(items);
        }
    }
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
            Ok(Page { total: 5, items })
        };
        assert_eq!(collect_pages(pages).await.unwrap(), vec![0, 1, 2, 3, 4]);

        let shrinking = |offset: u64| async move {
            let items: Vec<u64> = if offset == 0 { vec![7] } else { Vec::new() };
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
