//! Search use cases: one search over the records a user may see, similar items while writing,
//! merge candidates while reviewing, handling-unit suggestions while assigning.
//!
//! Every hit is checked against the record's own visibility rule before it is shown (the
//! index's grants already filter, this makes a stale index unable to reveal anything).

pub mod docs;
pub mod floor;
mod indexer;
pub mod quality;

use std::collections::HashMap;

use eline_domain::Actor;
use eline_domain::org::DirectoryKind;
use eline_domain::policy::{Action, Resource, can};
use eline_domain::proposal::Status;
use eline_search::{Hit, Request, Similar, Snippet};
use eline_storage::directory;
use serde::{Deserialize, Serialize};

pub use docs::{MEMBER, PROPOSAL, grants};
pub use indexer::{RETENTION_MICROS, Search, spawn};

use crate::{App, AppError, AppResult};

/// Longest query taken (characters).
pub const MAX_QUERY_CHARS: usize = 100;

/// How alike (0–1: the share of a title's telling words, weighted by rarity, that an earlier
/// proposal contains; `eline_search::likeness`) a proposal must be to be shown as similar,
/// offered for merging or counted for a unit suggestion. Chosen from the curve measured on the
/// real-title quality set (`eline search-quality`, docs/search.md).
pub const SIMILAR_FLOOR: f32 = 0.3;

/// Similar proposals shown while writing.
pub const SHOWN_SIMILAR: usize = 5;

/// What a user asked for (query string of the page and of the API).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    pub year: Option<i64>,
    pub status: Option<String>,
    pub unit: Option<i64>,
    pub sector: Option<i64>,
    pub session: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchItem {
    #[serde(rename = "type")]
    pub kind: String,
    pub kind_label: &'static str,
    pub id: i64,
    pub title: Snippet,
    pub snippet: Snippet,
    pub url: String,
    pub status: String,
    pub status_label: String,
    pub year: Option<i64>,
    pub units: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facet {
    /// The query parameter it sets: type, year, status, unit, sector.
    pub name: &'static str,
    pub label: &'static str,
    pub values: Vec<FacetValue>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchPage {
    pub total: usize,
    pub items: Vec<SearchItem>,
    pub facets: Vec<Facet>,
    /// Nothing matched every word; these match at least half of them.
    pub relaxed: bool,
    pub words: Vec<String>,
    pub next_cursor: Option<String>,
    pub offset: usize,
    /// The index is being rebuilt: results may be incomplete.
    pub rebuilding: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitSuggestion {
    pub unit_id: i64,
    pub name: String,
    /// Similar past proposals this unit led: (id, title).
    pub because: Vec<(i64, String)>,
    pub score: f32,
}

/// Names of units and sectors (archived ones too: old records name them).
#[derive(Debug)]
pub(crate) struct Names {
    units: HashMap<i64, String>,
    sectors: HashMap<i64, String>,
}

impl App {
    fn search_index(&self) -> AppResult<&Search> {
        self.search.as_deref().ok_or_else(|| AppError::Unavailable("搜索暂不可用（本服务未配置搜索索引）".into()))
    }

    /// Through the read cache, like the directory's pickers (every search and every similar
    /// panel names its hits' units and sectors: 2 ms a read at 200 units).
    async fn names(&self, committee_id: i64) -> AppResult<std::sync::Arc<Names>> {
        self.search_names
            .get_or_load(committee_id.to_string(), async {
                let mut c = self.db.acquire().await?;
                let mut get = async |kind| -> AppResult<HashMap<i64, String>> {
                    Ok(directory::list(&mut c.ex(), kind, committee_id, true, None, 100_000).await?.into_iter().map(|e| (e.id, e.name)).collect())
                };
                let units = get(DirectoryKind::Unit).await?;
                let sectors = get(DirectoryKind::Sector).await?;
                Ok(Names { units, sectors })
            })
            .await
    }

    /// Whether the actor may open the record a hit points to (the record page's own rule, from
    /// the record's module).
    async fn may_open(&self, actor: &Actor, hit: &Hit) -> AppResult<bool> {
        let Some(module) = self.records.get(&hit.kind) else { return Ok(false) };
        if let Some(known) = module.may_open_hit(actor, hit.id, &hit.status) {
            return Ok(known);
        }
        let mut c = self.db.acquire().await?;
        Ok(module.see(&mut c.ex(), actor, hit.id).await?.is_some_and(|seen| seen.access != eline_domain::Access::None))
    }

    async fn items(&self, actor: &Actor, hits: Vec<Hit>, names: &Names) -> AppResult<Vec<SearchItem>> {
        // The checks of a page of hits run side by side (each on its own connection): on
        // PostgreSQL their round trips would otherwise add up.
        let mut checks = tokio::task::JoinSet::new();
        for (i, hit) in hits.iter().enumerate() {
            let (app, actor, hit) = (self.clone(), actor.clone(), hit.clone());
            checks.spawn(async move { app.may_open(&actor, &hit).await.map(|ok| (i, ok)) });
        }
        let mut open = vec![false; hits.len()];
        while let Some(done) = checks.join_next().await {
            let (i, ok) = done.map_err(|e| AppError::Internal(e.to_string()))??;
            open[i] = ok;
        }
        let mut items = Vec::with_capacity(hits.len());
        for (hit, may) in hits.into_iter().zip(open) {
            if !may {
                tracing::warn!(kind = %hit.kind, id = hit.id, user = actor.user_id, "search hit withheld: index grants out of date");
                continue;
            }
            let Some(module) = self.records.get(&hit.kind) else { continue };
            items.push(SearchItem {
                url: module.url(hit.id),
                kind_label: module.label(),
                status_label: self.records.status_label(Some(&hit.kind), &hit.status),
                units: hit.units.iter().filter_map(|u| names.units.get(u).cloned()).collect(),
                id: hit.id,
                year: hit.year,
                status: hit.status,
                title: hit.title,
                snippet: hit.snippet,
                kind: hit.kind,
            });
        }
        Ok(items)
    }

    fn request(&self, actor: &Actor) -> Request {
        Request { committee_id: actor.committee_id, grants: grants(actor), limit: 10, ..Request::default() }
    }

    /// One search over everything the actor may see, with facets and paging.
    pub async fn search(&self, actor: &Actor, query: &SearchQuery, limit: i64) -> AppResult<SearchPage> {
        let search = self.search_index()?;
        let q = query.q.trim();
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::field("q", format!("搜索词太长，最多 {MAX_QUERY_CHARS} 个字")));
        }
        if let Some(k) = query.kind.as_deref().filter(|k| !k.is_empty())
            && self.records.get(k).is_none()
        {
            let kinds = self.records.kinds().iter().map(|(k, l)| format!("{k}（{l}）")).collect::<Vec<_>>().join("、");
            return Err(AppError::field("type", format!("没有“{k}”这种类型，可选：{kinds}")));
        }
        // The offset is bounded before it reaches the index: the top-hits collector allocates
        // for offset + limit documents.
        let offset =
            eline_domain::paging::parse_offset(query.cursor.as_deref(), eline_domain::paging::MAX_SEARCH_OFFSET).map_err(|e| AppError::Validation(vec![e]))?;
        let limit = crate::limit(Some(limit))? as usize;
        let req = Request {
            text: q.to_string(),
            kind: query.kind.clone().filter(|k| !k.is_empty()),
            year: query.year,
            session_id: query.session,
            status: query.status.clone().filter(|s| !s.is_empty()),
            unit: query.unit,
            sector: query.sector,
            offset,
            limit,
            ..self.request(actor)
        };
        let index = search.index.clone();
        let results = tokio::task::spawn_blocking(move || index.search(&req))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let names = self.names(actor.committee_id).await?;
        let items = self.items(actor, results.hits, &names).await?;
        let f = &results.facets;
        let value = |value: String, label: String, count: u64| FacetValue { value, label, count };
        let mut facets = vec![
            Facet { name: "type", label: "类型", values: f.kind.iter().map(|(k, n)| value(k.clone(), self.records.kind_label(k).into(), *n)).collect() },
            Facet { name: "year", label: "年度", values: f.year.iter().rev().map(|(y, n)| value(y.to_string(), format!("{y}年"), *n)).collect() },
            Facet { name: "status", label: "状态", values: f.status.iter().map(|(s, n)| value(s.clone(), self.records.status_label(None, s), *n)).collect() },
            Facet {
                name: "unit",
                label: "承办单位",
                values: f.unit.iter().filter_map(|(u, n)| Some(value(u.to_string(), names.units.get(u)?.clone(), *n))).collect(),
            },
            Facet {
                name: "sector",
                label: "界别",
                values: f.sector.iter().filter_map(|(s, n)| Some(value(s.to_string(), names.sectors.get(s)?.clone(), *n))).collect(),
            },
        ];
        for facet in &mut facets {
            facet.values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
            if facet.name == "year" {
                facet.values.sort_by(|a, b| b.value.cmp(&a.value));
            }
            facet.values.truncate(12);
        }
        facets.retain(|f| !f.values.is_empty());
        let next = offset + limit;
        Ok(SearchPage {
            total: results.total,
            items,
            facets,
            relaxed: results.relaxed,
            words: results.words,
            // Past the deepest reachable offset there is no next page: narrow the search instead.
            next_cursor: (next < results.total && next <= eline_domain::paging::MAX_SEARCH_OFFSET).then(|| next.to_string()),
            offset,
            rebuilding: search.is_rebuilding(),
        })
    }

    /// How earlier proposals are looked for: proposals only, never a draft (the actor's own
    /// drafts are not "earlier proposals").
    pub(crate) fn similar_request(&self, actor: &Actor) -> Request {
        Request { limit: SHOWN_SIMILAR, kind: Some(PROPOSAL.into()), exclude_status: vec![Status::Draft.as_str().into()], ..self.request(actor) }
    }

    /// The (up to five) earlier proposals most like a text being written, of all years, as far
    /// as the actor may see them; none when none is alike enough ([`SIMILAR_FLOOR`]).
    pub async fn similar_items(&self, actor: &Actor, title: &str, body: &str, exclude: Option<(&str, i64)>) -> AppResult<Vec<SearchItem>> {
        let search = self.search_index()?;
        if title.trim().chars().count() < 2 {
            return Ok(Vec::new());
        }
        let like = Similar { title: title.to_string(), body: body.to_string(), floor: SIMILAR_FLOOR };
        let req = Request { exclude: exclude.map(|(k, id)| (k.to_string(), id)).into_iter().collect(), ..self.similar_request(actor) };
        let hits = self.similar_hits(search, like, req).await?;
        let names = self.names(actor.committee_id).await?;
        self.items(actor, hits, &names).await
    }

    async fn similar_hits(&self, search: &Search, like: Similar, req: Request) -> AppResult<Vec<Hit>> {
        let index = search.index.clone();
        tokio::task::spawn_blocking(move || index.similar(&like, &req))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()))
    }

    /// The office's tools on one proposal: the index and the proposal (staff only).
    async fn office_proposal(&self, actor: &Actor, proposal_id: i64) -> AppResult<(&Search, eline_storage::proposals::Proposal)> {
        if !can(actor, Action::ProposalOffice, Resource::Any) {
            return Err(AppError::Forbidden);
        }
        let search = self.search_index()?;
        let mut c = self.db.acquire().await?;
        let p = eline_storage::proposals::get(&mut c.ex(), actor.committee_id, proposal_id).await?.ok_or(AppError::NotFound)?;
        Ok((search, p))
    }

    /// Proposals of the same session like this one, for the office to merge (并案).
    pub async fn merge_candidates(&self, actor: &Actor, proposal_id: i64) -> AppResult<Vec<SearchItem>> {
        let (search, p) = self.office_proposal(actor, proposal_id).await?;
        let req = Request { limit: 10, session_id: Some(p.session_id), exclude: vec![(PROPOSAL.into(), p.id)], ..self.similar_request(actor) };
        let hits = self.similar_hits(search, Similar { title: p.title, body: p.body, floor: SIMILAR_FLOOR }, req).await?;
        // Submitted or filed ones: drafts, withdrawn, merged and not-filed proposals are no merge partners.
        let partner = |s: &str| Status::parse(s).is_some_and(|s| s == Status::Submitted || s.is_filed());
        let hits: Vec<Hit> = hits.into_iter().filter(|h| partner(&h.status)).take(5).collect();
        let names = self.names(actor.committee_id).await?;
        self.items(actor, hits, &names).await
    }

    /// Up to three units for a proposal, from the similar past proposals they led; none when no
    /// past proposal is alike enough ([`SIMILAR_FLOOR`]): staff then choose without a hint.
    pub async fn suggest_units(&self, actor: &Actor, proposal_id: i64) -> AppResult<Vec<UnitSuggestion>> {
        self.suggest_units_at(actor, proposal_id, SIMILAR_FLOOR).await
    }

    /// [`App::suggest_units`] at another floor (the quality harness measures several).
    pub(crate) async fn suggest_units_at(&self, actor: &Actor, proposal_id: i64, floor: f32) -> AppResult<Vec<UnitSuggestion>> {
        let (search, p) = self.office_proposal(actor, proposal_id).await?;
        let names = self.names(actor.committee_id).await?;
        let like = Similar { title: p.title, body: p.body, floor };
        let req = Request { limit: 20, exclude: vec![(PROPOSAL.into(), p.id)], ..self.similar_request(actor) };
        let hits = self.similar_hits(search, like, req).await?;
        Ok(vote(&hits, &names.units))
    }
}

/// Units ranked by the summed scores of the similar proposals they led (the top-scored hit
/// counts most); ties by name. Active units only (names has every unit; archived ones stay out
/// because assignment needs an active unit — the caller's list decides).
pub fn vote(hits: &[Hit], units: &HashMap<i64, String>) -> Vec<UnitSuggestion> {
    let mut by_unit: HashMap<i64, UnitSuggestion> = HashMap::new();
    for h in hits {
        let Some(u) = h.lead_unit else { continue };
        let Some(name) = units.get(&u) else { continue };
        let s = by_unit.entry(u).or_insert_with(|| UnitSuggestion { unit_id: u, name: name.clone(), because: Vec::new(), score: 0.0 });
        s.score += h.score;
        if s.because.len() < 2 {
            s.because.push((h.id, h.title.text.clone()));
        }
    }
    let mut out: Vec<UnitSuggestion> = by_unit.into_values().collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    out.truncate(3);
    out
}
