//! The search page (全文检索): a box in every page's header leads here.

use super::PageQuery;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use eline_app::AppError;
use eline_app::search::{MAX_QUERY_CHARS, SearchPage, SearchQuery};
use eline_search::Snippet;
use serde::Deserialize;

use super::{Layout, render, render_invalid};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

/// The page's parameters as typed (numbers that do not parse are ignored, not refused).
#[derive(Deserialize, Default, Clone)]
struct Params {
    #[serde(default)]
    q: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    year: Option<String>,
    status: Option<String>,
    unit: Option<String>,
    sector: Option<String>,
    cursor: Option<String>,
}

const PAGE: i64 = 20;

fn num(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|s| s.trim().parse().ok())
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

impl Params {
    fn query(&self) -> SearchQuery {
        SearchQuery {
            q: self.q.clone(),
            kind: nonempty(&self.kind),
            year: num(&self.year),
            status: nonempty(&self.status),
            unit: num(&self.unit),
            sector: num(&self.sector),
            session: None,
            cursor: nonempty(&self.cursor),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![("q", self.q.trim().to_string())];
        for (k, val) in [("type", &self.kind), ("year", &self.year), ("status", &self.status), ("unit", &self.unit), ("sector", &self.sector)] {
            if let Some(x) = nonempty(val) {
                v.push((k, x));
            }
        }
        v
    }

    fn get(&self, name: &str) -> Option<String> {
        self.pairs().into_iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }
}

fn href(pairs: &[(&str, String)]) -> String {
    format!("/search?{}", serde_urlencoded::to_string(pairs).unwrap_or_default())
}

/// Text cut into (piece, highlighted) for the template (it escapes each piece).
fn pieces(s: &Snippet) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(a, b) in &s.marks {
        if a < at || b > s.text.len() || !s.text.is_char_boundary(a) || !s.text.is_char_boundary(b) {
            continue;
        }
        if a > at {
            out.push((s.text[at..a].to_string(), false));
        }
        out.push((s.text[a..b].to_string(), true));
        at = b;
    }
    if at < s.text.len() {
        out.push((s.text[at..].to_string(), false));
    }
    out
}

struct ItemView {
    kind_label: &'static str,
    url: String,
    title: Vec<(String, bool)>,
    snippet: Vec<(String, bool)>,
    status_label: String,
    year: Option<i64>,
    units: String,
}

struct FacetView {
    label: &'static str,
    /// (label, count, href, selected)
    values: Vec<(String, u64, String, bool)>,
    /// Link that removes this facet's filter, when one is set.
    clear: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchView {
    l: Layout,
    q: String,
    kind: String,
    kinds: Vec<(&'static str, &'static str)>,
    max_chars: usize,
    /// None: nothing asked yet.
    page: Option<SearchPage>,
    items: Vec<ItemView>,
    facets: Vec<FacetView>,
    error: Option<String>,
    next: Option<String>,
    prev: Option<String>,
    filtered: bool,
}

async fn search(State(state): State<AppState>, user: PageUser, PageQuery(p): PageQuery<Params>) -> Result<Response, PageError> {
    let title = if p.q.trim().is_empty() { "搜索".to_string() } else { format!("搜索：{}", p.q.trim()) };
    let l = Layout::page(&state, &user, "/search", title, &[]).await?;
    let mut view = SearchView {
        l,
        q: p.q.trim().to_string(),
        kind: nonempty(&p.kind).unwrap_or_default(),
        kinds: state.app.records.kinds(),
        max_chars: MAX_QUERY_CHARS,
        page: None,
        items: Vec::new(),
        facets: Vec::new(),
        error: None,
        next: None,
        prev: None,
        filtered: p.pairs().len() > 1,
    };
    if view.q.is_empty() {
        return Ok(render(&view));
    }
    let page = match state.app.search(&user.actor, &p.query(), PAGE).await {
        Ok(page) => page,
        Err(AppError::Validation(es)) => {
            view.error = Some(es.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；"));
            return Ok(render_invalid(&view));
        }
        Err(AppError::Unavailable(m)) => {
            view.error = Some(m);
            return Ok(render(&view));
        }
        Err(e) => return Err(e.into()),
    };
    let base = p.pairs();
    view.items = page
        .items
        .iter()
        .map(|i| ItemView {
            kind_label: i.kind_label,
            url: i.url.clone(),
            title: pieces(&i.title),
            snippet: pieces(&i.snippet),
            status_label: i.status_label.clone(),
            year: i.year,
            units: i.units.join("、"),
        })
        .collect();
    view.facets = page
        .facets
        .iter()
        .map(|f| {
            let current = p.get(f.name);
            let with = |value: Option<&str>| {
                let mut pairs: Vec<(&str, String)> = base.iter().filter(|(k, _)| *k != f.name).cloned().collect();
                if let Some(v) = value {
                    pairs.push((f.name, v.to_string()));
                }
                href(&pairs)
            };
            FacetView {
                label: f.label,
                values: f.values.iter().map(|v| (v.label.clone(), v.count, with(Some(&v.value)), current.as_deref() == Some(v.value.as_str()))).collect(),
                clear: current.as_ref().map(|_| with(None)),
            }
        })
        .collect();
    let at = |offset: usize| {
        let mut pairs = base.clone();
        if offset > 0 {
            pairs.push(("cursor", offset.to_string()));
        }
        href(&pairs)
    };
    view.next = page.next_cursor.as_ref().map(|c| at(c.parse().unwrap_or(0)));
    view.prev = (page.offset > 0).then(|| at(page.offset.saturating_sub(PAGE as usize)));
    view.page = Some(page);
    Ok(render(&view))
}
