//! Conditional reads (docs/api.md "Caching: ETag and If-None-Match"): every successful GET under
//! /api/v1 whose body is JSON carries a strong `ETag` made from a hash of the body, and a request
//! whose `If-None-Match` names it gets `304 Not Modified` without the body. A record with a
//! top-level integer `version` gets `"<version>-<hash16>"`, which a client may send back as
//! `If-Match` for its next write (`super::version_of` reads the version before the `-`).
//!
//! The body still has to be made (the tag is its hash): a 304 saves the transfer, not the work.

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Bodies larger than this are sent without a tag (they would have to be held in memory whole).
pub const MAX_TAGGED: usize = 4 * 1024 * 1024;

/// `Cache-Control` of tagged answers: only the caller's own cache may keep them (the body depends
/// on who asks), and it must ask again before using what it kept.
pub const CACHE_CONTROL: &str = "private, no-cache";

/// Tags successful JSON reads and answers 304 when the client already has the same body.
pub async fn conditional(req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return next.run(req).await;
    }
    let if_none_match = if req.headers().contains_key(header::IF_NONE_MATCH) {
        req.headers().get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",")
    } else {
        String::new()
    };
    let res = next.run(req).await;
    if res.status() != StatusCode::OK || !is_json(res.headers()) || res.headers().contains_key(header::ETAG) {
        return res;
    }
    if res.body().size_hint().exact().is_none_or(|n| n > MAX_TAGGED as u64) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_TAGGED).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "reading a response body to tag it failed");
            return crate::error::ApiError(eline_app::AppError::Internal(e.to_string())).into_response();
        }
    };
    let tag = entity_tag(&bytes);
    let Ok(value) = HeaderValue::from_str(&tag) else { return Response::from_parts(parts, Body::from(bytes)) };
    parts.headers.insert(header::ETAG, value);
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    if !if_none_match.is_empty() && none_match_hits(&if_none_match, &tag) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn is_json(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
        let essence = ct.split(';').next().unwrap_or("").trim();
        essence.eq_ignore_ascii_case("application/json")
    })
}

/// The strong entity tag of a JSON body: `"<version>-<hash16>"` for an object with a top-level
/// integer `version`, else `"<hash16>"` (the first 16 hex digits of its SHA-256).
pub fn entity_tag(body: &[u8]) -> String {
    let hash = hex::encode(&Sha256::digest(body)[..8]);
    match top_level_version(body) {
        Some(v) => format!("\"{v}-{hash}\""),
        None => format!("\"{hash}\""),
    }
}

/// The integer `version` of a record as the API writes it: serde keeps the field order of the
/// DTOs, and every versioned record starts `{"id":…,"version":…` (or `{"version":…`), so the
/// prefix says it without reading the rest of the body (a list page is never scanned whole —
/// measured: parsing every body cost a tenth of the list throughput, bench/README.md).
fn top_level_version(body: &[u8]) -> Option<i64> {
    let rest = body.strip_prefix(b"{")?;
    let rest = match rest.strip_prefix(br#""id":"#) {
        Some(after_id) => {
            let digits = after_id.iter().take_while(|b| b.is_ascii_digit() || **b == b'-').count();
            after_id[digits..].strip_prefix(b",")?
        }
        None => rest,
    };
    let value = rest.strip_prefix(br#""version":"#)?;
    let end = value.iter().position(|b| !(b.is_ascii_digit() || *b == b'-')).unwrap_or(value.len());
    // The number must be a whole value (followed by a comma or the end of the object).
    match value.get(end) {
        Some(b',') | Some(b'}') => std::str::from_utf8(&value[..end]).ok()?.parse().ok(),
        _ => None,
    }
}

/// Whether an `If-None-Match` value (RFC 9110 §13.1.2) matches the current tag: `*` matches any
/// current representation; otherwise a comma-separated list of entity tags compared weakly (a
/// `W/` prefix on either side is ignored). An unreadable element ends the list.
pub fn none_match_hits(header: &str, current: &str) -> bool {
    if header.trim() == "*" {
        return true;
    }
    let current = opaque(current);
    entity_tags(header).any(|t| t == current)
}

/// The opaque tags (with their quotes, without `W/`) of a list of entity tags.
fn entity_tags(list: &str) -> impl Iterator<Item = &str> {
    let mut rest = list;
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return None;
        }
        let tail = rest.strip_prefix("W/").unwrap_or(rest);
        let end = tail.strip_prefix('"').and_then(|t| t.find('"')).map(|i| i + 2);
        match end {
            Some(end) => {
                let tag = &tail[..end];
                rest = &tail[end..];
                Some(tag)
            }
            None => {
                rest = "";
                None
            }
        }
    })
}

fn opaque(tag: &str) -> &str {
    tag.trim().strip_prefix("W/").unwrap_or(tag.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_with_a_version_gets_it_before_the_hash_and_other_bodies_the_hash_alone() {
        let tag = entity_tag(br#"{"id":3,"version":7,"title":"x","nested":{"version":9}}"#);
        assert!(tag.starts_with("\"7-") && tag.ends_with('"') && tag.len() == 2 + 2 + 16, "{tag}");
        assert!(entity_tag(br#"{"version":12}"#).starts_with("\"12-"));
        let list = entity_tag(br#"{"items":[{"id":1,"version":2}],"next_cursor":null}"#);
        assert!(!list.contains('-') && list.len() == 18, "{list}");
        assert_eq!(entity_tag(br#"{"version":"7"}"#).len(), 18, "a version that is no integer is not used");
        assert_eq!(entity_tag(br#"{"id":3,"version":7.5}"#).len(), 18, "nor one that is not whole");
        assert_eq!(entity_tag(b"[1, 2]").len(), 18);
        // The same body, the same tag; any change, another.
        assert_eq!(entity_tag(br#"{"version":7,"a":1}"#), entity_tag(br#"{"version":7,"a":1}"#));
        assert_ne!(entity_tag(br#"{"version":7,"a":1}"#), entity_tag(br#"{"version":7,"a":2}"#));
    }

    #[test]
    fn if_none_match_takes_a_star_a_list_and_weak_tags() {
        let tag = "\"7-0123456789abcdef\"";
        assert!(none_match_hits(tag, tag));
        assert!(none_match_hits("*", tag));
        assert!(none_match_hits(" * ", tag));
        assert!(none_match_hits("\"other\", \"7-0123456789abcdef\"", tag));
        assert!(none_match_hits("\"a\",W/\"7-0123456789abcdef\"", tag), "weak comparison ignores W/");
        assert!(none_match_hits("W/\"7-0123456789abcdef\"", &format!("W/{tag}")));
        // A comma inside a tag is part of it.
        assert!(none_match_hits("\"a,b\", \"c\"", "\"a,b\""));
        assert!(!none_match_hits("\"a,b\"", "\"a\""));
        assert!(!none_match_hits("\"7-0123456789abcdee\"", tag));
        assert!(!none_match_hits("7-0123456789abcdef", tag), "an unquoted tag is not a tag");
        assert!(!none_match_hits("", tag));
        assert!(!none_match_hits("\"unterminated", tag));
        // A bad element ends the list; what came before still counts.
        assert!(none_match_hits("\"7-0123456789abcdef\", garbage", tag));
        assert!(!none_match_hits("garbage, \"7-0123456789abcdef\"", tag));
    }

    #[test]
    fn only_json_answers_are_tagged() {
        let mut h = HeaderMap::new();
        for (ct, json) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON", true),
            ("application/problem+json", false),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false),
            ("application/octet-stream", false),
        ] {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
            assert_eq!(is_json(&h), json, "{ct}");
        }
        h.clear();
        assert!(!is_json(&h));
    }
}
