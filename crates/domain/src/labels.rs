//! Enums that the database, the API and the pages all name: one declaration gives each variant
//! its stored/API name and its Chinese label, and the enum `ALL`, `as_str`, `parse`, `label`,
//! serde (as the name), `FromStr`/`TryFrom<String>` (an unknown value is an error, never a
//! default) and, with the `openapi` feature, an OpenAPI schema listing the names.
//!
//! ```
//! eline_domain::labeled! {
//!     /// How a unit takes part.
//!     pub enum Part {
//!         /// 主办
//!         Lead = "lead" / "主办",
//!         Co = "co" / "会办",
//!     }
//! }
//! assert_eq!(Part::parse("co"), Some(Part::Co));
//! assert_eq!(Part::Lead.label(), "主办");
//! ```

/// An unknown name where an enum's name was expected (the message is shown to API clients).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{value}”不是可用的取值，应为以下之一：{}", expected.join("、"))]
pub struct UnknownName {
    pub enum_name: &'static str,
    pub value: String,
    pub expected: &'static [&'static str],
}

#[macro_export]
macro_rules! labeled {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $str:literal / $label:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name stored in the database and used by the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $str),+ }
            }

            /// The Chinese label the pages show.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($str => Some($name::$variant),)+ _ => None }
            }

            /// (name, label) of every variant, for pickers.
            pub fn choices() -> Vec<(&'static str, &'static str)> {
                Self::ALL.iter().map(|v| (v.as_str(), v.label())).collect()
            }
        }

        /// Compares with a stored name (`status == "draft"`).
        impl ::std::cmp::PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::std::cmp::PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::labels::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s).ok_or_else(|| $crate::labels::UnknownName {
                    enum_name: stringify!($name),
                    value: s.to_string(),
                    expected: &[$($str),+],
                })
            }
        }

        impl ::std::convert::TryFrom<String> for $name {
            type Error = $crate::labels::UnknownName;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }

        $crate::labeled_schema!($name, [$($str),+]);
    };
}

/// The OpenAPI schema of a labeled enum: a string with its names (feature `openapi`).
#[cfg(feature = "openapi")]
#[macro_export]
#[doc(hidden)]
macro_rules! labeled_schema {
    ($name:ident, [$($str:literal),+]) => {
        impl $crate::utoipa::PartialSchema for $name {
            fn schema() -> $crate::utoipa::openapi::RefOr<$crate::utoipa::openapi::schema::Schema> {
                $crate::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type($crate::utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($str),+]))
                    .into()
            }
        }
        impl $crate::utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                $crate::labels::schema_name(module_path!(), stringify!($name))
            }
        }
    };
}

/// Names the proposal module and the policy gave the API first; another module's enum of the
/// same name (`opinion::Status`) would take its place in the OpenAPI document's components.
pub const SHARED_SCHEMA_NAMES: [&str; 4] = ["Status", "Queue", "Scope", "Kind"];

/// Names a later module reuses that an earlier module's schema already has: (module, name).
const LATER_NAMES: [(&str, &str); 1] = [("notice", "Channel")];

/// The OpenAPI component name of a labeled enum declared in `module`: its own name, but a name
/// the proposals or the policy already use gets the module's name in front (`OpinionStatus`).
pub fn schema_name(module: &str, name: &'static str) -> std::borrow::Cow<'static, str> {
    let owner = module.split("::").nth(1).unwrap_or("");
    let later = LATER_NAMES.contains(&(owner, name));
    if !later && (!SHARED_SCHEMA_NAMES.contains(&name) || matches!(owner, "proposal" | "policy" | "")) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut chars = owner.chars();
    let head: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    std::borrow::Cow::Owned(format!("{head}{}{name}", chars.as_str()))
}

#[cfg(not(feature = "openapi"))]
#[macro_export]
#[doc(hidden)]
macro_rules! labeled_schema {
    ($name:ident, [$($str:literal),+]) => {};
}

#[cfg(test)]
mod tests {
    crate::labeled! {
        /// A test enum.
        enum Colour {
            Red = "red" / "红",
            /// With a doc comment.
            DarkBlue = "dark_blue" / "深蓝",
        }
    }

    #[test]
    fn a_schema_name_another_module_already_uses_gets_the_module_in_front() {
        assert_eq!(super::schema_name("eline_domain::opinion::enums", "Status"), "OpinionStatus");
        assert_eq!(super::schema_name("eline_domain::opinion::parties", "Scope"), "OpinionScope");
        assert_eq!(super::schema_name("eline_domain::opinion::enums", "Channel"), "Channel");
        assert_eq!(super::schema_name("eline_domain::proposal::enums", "Status"), "Status");
        assert_eq!(super::schema_name("eline_domain::policy", "Scope"), "Scope");
    }

    #[test]
    fn names_labels_and_serde_agree_and_unknown_names_are_errors() {
        assert_eq!(Colour::ALL, &[Colour::Red, Colour::DarkBlue]);
        assert_eq!(Colour::DarkBlue.as_str(), "dark_blue");
        assert_eq!(Colour::DarkBlue.label(), "深蓝");
        assert_eq!(Colour::parse("red"), Some(Colour::Red));
        assert_eq!(Colour::parse("Red"), None);
        assert_eq!(serde_json::to_string(&Colour::DarkBlue).unwrap(), "\"dark_blue\"");
        assert_eq!(serde_json::from_str::<Colour>("\"red\"").unwrap(), Colour::Red);
        assert!(serde_json::from_str::<Colour>("\"green\"").unwrap_err().to_string().contains("green"));
        assert!(Colour::try_from("green".to_string()).is_err());
        assert_eq!("dark_blue".parse::<Colour>(), Ok(Colour::DarkBlue));
        assert_eq!(Colour::choices(), vec![("red", "红"), ("dark_blue", "深蓝")]);
    }
}
