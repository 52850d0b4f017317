//! Bulletin pages (期刊《社情民意》《资政之声》): the list by year and series (`list`), a new
//! issue (`list::new_form`), the compiler of a draft and the page of an issued issue with its
//! sends (`detail`), and the A4 print view (`detail::print`). Phone-first, every form without
//! JavaScript, every error of a form at once.

mod detail;
mod list;

use axum::Router;
use axum::routing::{get, post};
use eline_domain::opinion::{BulletinForm, BulletinStatus, Channel, RecipientKind};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bulletins", get(list::list).post(list::create))
        .route("/bulletins/new", get(list::new_form))
        .route("/bulletins/{id}", get(detail::detail))
        .route("/bulletins/{id}/edit", post(detail::edit))
        .route("/bulletins/{id}/items", post(detail::add_item))
        .route("/bulletins/{id}/arrange", post(detail::arrange))
        .route("/bulletins/{id}/items/{opinion_id}/remove", post(detail::remove_item))
        .route("/bulletins/{id}/issue", post(detail::issue))
        .route("/bulletins/{id}/sends", post(detail::send))
        .route("/bulletins/{id}/print", get(detail::print))
}

/// Labels callable from templates as `B::…`.
pub struct B;

impl B {
    pub fn series(s: &Channel) -> &'static str {
        s.series_title()
    }
    pub fn form(f: &BulletinForm) -> &'static str {
        f.label()
    }
    pub fn status(s: &BulletinStatus) -> &'static str {
        s.label()
    }
    pub fn issued(s: &BulletinStatus) -> bool {
        *s == BulletinStatus::Issued
    }
    pub fn recipient(k: &RecipientKind) -> &'static str {
        k.label()
    }
    pub fn action(a: &str) -> &'static str {
        eline_domain::bulletin::Act::parse(a).map(|a| a.label()).or_else(|| eline_app::records::shared_action_label(a)).unwrap_or("")
    }
}
