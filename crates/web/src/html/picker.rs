//! The searchable picker of a form field (co-signers, the member or unit of an account): chips of
//! what is chosen, each removable, and a search by name, pinyin initials or 界别 whose results
//! are added with one tap. It works without JavaScript — its buttons submit the form, which is
//! shown again with the change and nothing saved — and `static/app.js` makes the same controls
//! work in place, asking `/api/v1/pickers/{source}` as the user types.

use eline_app::pickers::{Pick, Source};
use eline_domain::Actor;

use crate::AppState;
use crate::error::PageError;
use crate::html::FormData;

/// One picker of a form, as its template shows it.
pub struct Picker {
    /// The form field holding the chosen ids (one value per id).
    pub field: &'static str,
    /// Members or units: what is searched, and the API the script asks.
    pub source: Source,
    /// Several may be chosen (chips), or one (choosing replaces it).
    pub multi: bool,
    pub legend: &'static str,
    pub hint: &'static str,
    pub chosen: Vec<Pick>,
    /// The text searched for (no-JavaScript round trip).
    pub query: String,
    /// The search's results; `None` before a search.
    pub results: Option<Vec<Pick>>,
    pub error: String,
}

impl Picker {
    /// What the search box takes, as its placeholder says.
    pub fn placeholder(&self) -> &'static str {
        match self.source {
            Source::Members => "姓名、拼音首字母或界别",
            Source::Units => "单位名称或拼音首字母",
        }
    }

    pub fn multi_flag(&self) -> &'static str {
        if self.multi { "multi" } else { "single" }
    }
}

/// Applies a picker button of a submitted form (`pick_add` / `pick_remove` = "field:id",
/// `pick_find` = "field") to the form's data. `Some(field)` when the form was sent by a picker
/// button: the page is shown again with the change, nothing is saved.
pub fn interact(f: &mut FormData, multi: &[(&str, bool)]) -> Option<String> {
    let split = |v: &str| v.split_once(':').and_then(|(field, id)| Some((field.to_string(), id.parse::<i64>().ok()?)));
    if let Some((field, id)) = f.opt("pick_add").as_deref().and_then(split) {
        let many = multi.iter().any(|(name, m)| *name == field && *m);
        if !many {
            f.0.retain(|(k, _)| *k != field);
        }
        if !f.0.iter().any(|(k, v)| *k == field && *v == id.to_string()) {
            f.0.push((field.clone(), id.to_string()));
        }
        f.0.retain(|(k, _)| *k != format!("{field}_q"));
        return Some(field);
    }
    if let Some((field, id)) = f.opt("pick_remove").as_deref().and_then(split) {
        f.0.retain(|(k, v)| !(*k == field && *v == id.to_string()));
        return Some(field);
    }
    f.opt("pick_find")
}

impl Picker {
    /// A picker of `field` choosing from `source`.
    pub fn new(field: &'static str, source: Source, multi: bool, legend: &'static str, hint: &'static str) -> Picker {
        Picker { field, source, multi, legend, hint, chosen: vec![], query: String::new(), results: None, error: String::new() }
    }

    /// Fills in what the form has chosen, and the results when this picker was searched
    /// (`searched` is what `interact` answered).
    pub async fn load(mut self, state: &AppState, actor: &Actor, f: &FormData, searched: Option<&str>, error: &str) -> Result<Picker, PageError> {
        let ids = f.ints(self.field);
        self.chosen = state.app.picked(actor, self.source, &ids).await?;
        self.query = f.get(&format!("{}_q", self.field)).trim().to_string();
        if searched == Some(self.field) && f.opt("pick_find").is_some() {
            let found = state.app.picks(actor, self.source, &self.query, 20).await?;
            self.results = Some(found.into_iter().filter(|p| !ids.contains(&p.id)).collect());
        }
        self.error = error.to_string();
        Ok(self)
    }
}
