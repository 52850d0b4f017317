//! How list filters read their query strings and forms: one struct per list serves the API's
//! query parameters, the page's filter form and the links between pages. An HTML form sends
//! every field, the unused ones empty: an empty value means "not given", and a checkbox sends
//! "on" or nothing. Anything else that does not parse is refused with a Chinese message naming
//! the accepted values, never ignored.

use std::fmt::Display;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serializer};

/// A value as a query string, a form or a JSON object gives it.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Flag(bool),
    Number(i64),
}

impl Scalar {
    fn text(self) -> String {
        match self {
            Scalar::Text(s) => s,
            Scalar::Flag(b) => b.to_string(),
            Scalar::Number(n) => n.to_string(),
        }
    }
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?.map(Scalar::text))
}

/// An optional value where an empty one means "not given" (`#[serde(default, with = "blank")]`).
pub mod blank {
    use super::*;

    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr,
        T::Err: Display,
    {
        let raw = text(d)?;
        match raw.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => s.parse::<T>().map(Some).map_err(|e| serde::de::Error::custom(chinese(&e.to_string()))),
        }
    }

    pub fn serialize<S: Serializer, T: Display>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }
}

/// A yes/no choice: `true`/`on`/`1` (a checked box) or `false`/`0`/empty/absent.
pub mod flag {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        let raw = text(d)?;
        match raw.as_deref().map(str::trim) {
            None | Some("" | "false" | "0" | "off") => Ok(false),
            Some("true" | "on" | "1") => Ok(true),
            Some(_) => Err(serde::de::Error::custom("应为 true 或 false")),
        }
    }

    pub fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(*v)
    }
}

/// For `skip_serializing_if`: leaves an unset flag out of a link.
pub fn is_false(v: &bool) -> bool {
    !*v
}

/// Parse errors of numbers in Chinese (labeled enums already explain themselves).
fn chinese(m: &str) -> String {
    if m.contains("digit") || m.contains("too large") || m.contains("too small") { "应为整数（且不能过大）".into() } else { m.to_string() }
}

#[cfg(test)]
mod tests {
    use eline_domain::proposal::Status;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Q {
        #[serde(default, with = "super::blank")]
        status: Option<Status>,
        #[serde(default, with = "super::blank")]
        n: Option<i64>,
        #[serde(default, with = "super::flag")]
        key: bool,
    }

    fn q(s: &str) -> Result<Q, String> {
        serde_json::from_value::<Q>(serde_json::Value::Object(
            s.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (k.to_string(), serde_json::Value::String(v.to_string()))
                })
                .collect(),
        ))
        .map_err(|e| e.to_string())
    }

    #[test]
    fn empty_fields_of_a_form_mean_not_given() {
        assert_eq!(q("status=&n=&key=").unwrap(), Q { status: None, n: None, key: false });
        assert_eq!(q("").unwrap(), Q { status: None, n: None, key: false });
        assert_eq!(q("status=filed&n=15&key=on").unwrap(), Q { status: Some(Status::Filed), n: Some(15), key: true });
        // The same struct reads a JSON object.
        let json: Q = serde_json::from_str(r#"{"status": "filed", "n": 15, "key": true}"#).unwrap();
        assert_eq!(json, Q { status: Some(Status::Filed), n: Some(15), key: true });
    }

    #[test]
    fn a_value_that_does_not_parse_is_refused_in_chinese() {
        let e = q("status=filled").unwrap_err();
        assert!(e.contains("应为以下之一") && e.contains("filed"), "{e}");
        assert!(q("n=abc").unwrap_err().contains("应为整数"));
        assert!(q("key=maybe").unwrap_err().contains("true 或 false"));
    }
}
