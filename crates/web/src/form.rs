//! HTML forms into the typed inputs the JSON API takes — the same structs, read by their own
//! `Deserialize`, so the field types come from the input and never from the field names.
//!
//! A repeated field (`co_unit_ids=3&co_unit_ids=5`) is a list; `name[key]` nests
//! (`commitments[0][promise]=…`); an empty value is "not given" (`None`, or left out of a list);
//! checkbox and select values `true`/`on`/`1` and `false`/`off`/`0` are booleans.

use std::collections::BTreeMap;

use eline_app::AppError;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

/// A form's fields (as posted, in order) as `T`. The CSRF token is not a field of any input.
pub fn parse<T: DeserializeOwned>(pairs: &[(String, String)]) -> Result<T, AppError> {
    let mut root = Node::Map(BTreeMap::new());
    for (key, value) in pairs.iter().filter(|(k, _)| k != "_csrf") {
        root.insert(&path(key), value);
    }
    T::deserialize(root).map_err(|e| {
        let field = e.field.unwrap_or_else(|| "body".into());
        AppError::field(&field, e.message)
    })
}

/// `a[b][0]` → ["a", "b", "0"].
fn path(key: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (head, mut rest) = key.split_once('[').map(|(h, r)| (h, Some(r))).unwrap_or((key, None));
    parts.push(head.to_string());
    while let Some(r) = rest {
        let (inner, after) = r.split_once(']').unwrap_or((r, ""));
        parts.push(inner.to_string());
        rest = after.strip_prefix('[');
    }
    parts
}

enum Node {
    Values(Vec<String>),
    Map(BTreeMap<String, Node>),
}

impl Node {
    fn insert(&mut self, path: &[String], value: &str) {
        let Node::Map(map) = self else { return };
        match path {
            [] => {}
            [last] => match map.entry(last.clone()).or_insert_with(|| Node::Values(Vec::new())) {
                Node::Values(v) => v.push(value.to_string()),
                Node::Map(_) => {}
            },
            [first, rest @ ..] => {
                let child = map.entry(first.clone()).or_insert_with(|| Node::Map(BTreeMap::new()));
                if matches!(child, Node::Values(_)) {
                    *child = Node::Map(BTreeMap::new());
                }
                child.insert(rest, value);
            }
        }
    }

    /// Nothing filled in: a repeated group's row left empty on the form is no row at all.
    fn blank(&self) -> bool {
        match self {
            Node::Values(v) => v.iter().all(|s| s.trim().is_empty()),
            Node::Map(m) => m.values().all(Node::blank),
        }
    }

    /// The first non-empty value, trimmed.
    fn value(&self) -> Option<&str> {
        match self {
            Node::Values(v) => v.iter().map(|s| s.trim()).find(|s| !s.is_empty()),
            Node::Map(_) => None,
        }
    }
}

#[derive(Debug)]
pub struct Error {
    field: Option<String>,
    message: String,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<M: std::fmt::Display>(msg: M) -> Self {
        Error { field: None, message: format!("格式不正确（{msg}）") }
    }

    fn missing_field(field: &'static str) -> Self {
        Error { field: Some(field.into()), message: format!("请填写“{field}”") }
    }
}

fn invalid(what: &str) -> Error {
    Error { field: None, message: format!("应为{what}") }
}

macro_rules! numbers {
    ($($method:ident => $visit:ident: $ty:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.value().map(|v| v.parse::<$ty>()) {
                Some(Ok(n)) => visitor.$visit(n),
                _ => Err(invalid("数字")),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Node {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Map(map) => visitor.visit_map(Entries { entries: map.into_iter(), pending: None }),
            Node::Values(v) if v.len() > 1 => visitor.visit_seq(Items(v.into_iter().map(|s| Node::Values(vec![s])).collect::<Vec<_>>().into_iter())),
            Node::Values(v) => visitor.visit_string(v.into_iter().next().unwrap_or_default()),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self {
            Node::Values(_) if self.value().is_none() => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value() {
            Some("true" | "on" | "1" | "yes") => visitor.visit_bool(true),
            None | Some("false" | "off" | "0" | "no") => visitor.visit_bool(false),
            Some(_) => Err(invalid("是或否")),
        }
    }

    numbers!(deserialize_i8 => visit_i8: i8, deserialize_i16 => visit_i16: i16, deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64, deserialize_u8 => visit_u8: u8, deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32, deserialize_u64 => visit_u64: u64, deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64);

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Values(v) => visitor.visit_string(v.into_iter().next().unwrap_or_default()),
            Node::Map(_) => Err(invalid("文字")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let items: Vec<Node> = match self {
            Node::Values(v) => v.into_iter().filter(|s| !s.trim().is_empty()).map(|s| Node::Values(vec![s])).collect(),
            Node::Map(map) => {
                let mut numbered: Vec<(u64, Node)> = map.into_iter().filter_map(|(k, n)| k.parse::<u64>().ok().map(|i| (i, n))).collect();
                numbered.sort_by_key(|(i, _)| *i);
                numbered.into_iter().map(|(_, n)| n).filter(|n| !n.blank()).collect()
            }
        };
        visitor.visit_seq(Items(items.into_iter()))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Map(map) => visitor.visit_map(Entries { entries: map.into_iter(), pending: None }),
            Node::Values(_) => Err(invalid("一组字段")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(self, _name: &'static str, _variants: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        let value = self.value().unwrap_or_default().to_string();
        visitor.visit_enum(value.into_deserializer())
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! { char bytes byte_buf unit unit_struct tuple tuple_struct identifier }
}

struct Items(std::vec::IntoIter<Node>);

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, Error> {
        self.0.next().map(|n| seed.deserialize(n)).transpose()
    }
}

struct Entries {
    entries: std::collections::btree_map::IntoIter<String, Node>,
    pending: Option<(String, Node)>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            Some((k, n)) => {
                let key = seed.deserialize(k.clone().into_deserializer()).map_err(|e: de::value::Error| <Error as de::Error>::custom(e))?;
                self.pending = Some((k, n));
                Ok(Some(key))
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let (key, node) = self.pending.take().ok_or_else(|| <Error as de::Error>::custom("value before key"))?;
        seed.deserialize(node).map_err(|mut e| {
            if e.field.is_none() {
                e.message = format!("“{key}”{}", e.message);
                e.field = Some(key);
            }
            e
        })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Promise {
        #[serde(default)]
        promise: String,
        due_on: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Input {
        lead_unit_id: Option<i64>,
        #[serde(default)]
        co_unit_ids: Vec<i64>,
        approved: bool,
        comment: Option<String>,
        #[serde(default)]
        commitments: Vec<Promise>,
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn a_form_fills_the_typed_input_by_its_field_types() {
        let form = pairs(&[
            ("_csrf", "token"),
            ("lead_unit_id", " 7 "),
            ("co_unit_ids", "3"),
            ("co_unit_ids", ""),
            ("co_unit_ids", "5"),
            ("approved", "true"),
            ("comment", ""),
            ("commitments[1][promise]", "第二项"),
            ("commitments[0][promise]", "第一项"),
            ("commitments[0][due_on]", "2026-06-30"),
            // A row left empty is no row.
            ("commitments[2][promise]", " "),
            ("commitments[2][due_on]", ""),
        ]);
        let input: Input = parse(&form).unwrap();
        assert_eq!(input.commitments.len(), 2);
        assert_eq!(input.lead_unit_id, Some(7));
        assert_eq!(input.co_unit_ids, vec![3, 5]);
        assert!(input.approved);
        assert_eq!(input.comment, None, "an empty field is not given");
        assert_eq!(input.commitments[0], Promise { promise: "第一项".into(), due_on: Some("2026-06-30".into()) });
        assert_eq!(input.commitments[1].promise, "第二项");
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_named_in_chinese() {
        let err = parse::<Input>(&pairs(&[("lead_unit_id", "abc"), ("approved", "false")])).unwrap_err();
        match err {
            AppError::Validation(e) => {
                assert_eq!(e[0].field, "lead_unit_id");
                assert!(e[0].message.contains("数字"), "{}", e[0].message);
            }
            other => panic!("{other:?}"),
        }
        let err = parse::<Input>(&pairs(&[("lead_unit_id", "1")])).unwrap_err();
        assert!(matches!(err, AppError::Validation(e) if e[0].field == "approved"));
        let input: Input = parse(&pairs(&[("approved", "on")])).unwrap();
        assert!(input.approved && input.co_unit_ids.is_empty() && input.lead_unit_id.is_none());
    }
}
