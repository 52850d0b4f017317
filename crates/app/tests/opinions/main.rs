//! 社情民意 reports and 资政之声 on both engines: the stories of the state table, visibility, the
//! chain of committees, conversions, and random action sequences against a transition table.

mod property;
mod story;
mod support;
mod visibility;
