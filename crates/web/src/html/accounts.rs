//! Accounts for the roster (账号开通): pick the members without an account, open them, then
//! print an A4 account letter per member (with a QR code to the login page) and download the
//! office's list — both for a day, while the batch keeps the initial passwords.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use eline_app::AppError;
use eline_app::accounts::{AccountBatch, UsernameRule};
use eline_app::dates::chinese_date;
use eline_storage::account_batches::Listed;

use super::{FormData, Layout, PagePath, flash, render, render_invalid};
use crate::AppState;
use crate::auth::{PageAllowed, PageUser};
use crate::error::PageError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/members/accounts", get(pick).post(open))
        .route("/members/accounts/{batch}", get(batch))
        .route("/members/accounts/{batch}/letters", get(letters))
        .route("/members/accounts/{batch}/list.xlsx", get(list_xlsx))
}

#[derive(Template)]
#[template(path = "member_accounts.html")]
struct PickPage {
    l: Layout,
    members: Vec<Listed>,
    rule: String,
    error: String,
}

async fn pick(State(state): State<AppState>, PageAllowed(user, _): PageAllowed<crate::auth::OpenMemberAccounts>) -> Result<Response, PageError> {
    Ok(render(&pick_page(&state, &user, "pinyin", String::new()).await?))
}

async fn pick_page(state: &AppState, user: &PageUser, rule: &str, error: String) -> Result<PickPage, PageError> {
    let members = state.app.members_without_account(&user.actor).await?;
    let l = Layout::page(state, user, "/members/accounts", "开通委员账号", &[("委员", "/members")]).await?;
    Ok(PickPage { l, members, rule: rule.to_string(), error })
}

async fn open(State(state): State<AppState>, PageAllowed(user, _): PageAllowed<crate::auth::OpenMemberAccounts>, body: Bytes) -> Result<Response, PageError> {
    let f = FormData::parse(&body);
    let rule_text = f.get("rule").to_string();
    let Some(rule) = UsernameRule::parse(&rule_text) else {
        return Ok(render_invalid(&pick_page(&state, &user, "pinyin", "请选择用户名的生成方式".into()).await?));
    };
    let ids: Vec<i64> = f.all("member_id").iter().filter_map(|v| v.parse().ok()).collect();
    match state.app.open_member_accounts(&user.actor, Some(&ids), rule).await {
        Ok(b) => {
            flash(&user.session, &format!("已为{}位委员开通账号，请打印账号开通通知", b.entries.len())).await;
            Ok(Redirect::to(&format!("/members/accounts/{}", b.id)).into_response())
        }
        Err(AppError::Validation(errors)) => {
            let message = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
            Ok(render_invalid(&pick_page(&state, &user, &rule_text, message).await?))
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template)]
#[template(path = "account_batch.html")]
struct BatchPage {
    l: Layout,
    b: AccountBatch,
    until: String,
}

async fn batch(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<String>) -> Result<Response, PageError> {
    let b = state.app.account_batch(&user.actor, &id).await?;
    let l = Layout::page(&state, &user, "/members/accounts", "账号开通结果", &[("委员", "/members"), ("开通委员账号", "/members/accounts")]).await?;
    let until = super::F::time(&b.expires_at);
    Ok(render(&BatchPage { l, b, until }))
}

/// One member's letter.
struct Letter {
    name: String,
    sector: String,
    username: String,
    password: String,
    by_phone: bool,
}

#[derive(Template)]
#[template(path = "account_letters.html")]
struct LettersPage {
    committee: String,
    login_url: String,
    qr_svg: String,
    date: String,
    letters: Vec<Letter>,
    back: String,
}

async fn letters(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<String>, headers: HeaderMap) -> Result<Response, PageError> {
    let b = state.app.account_batch(&user.actor, &id).await?;
    let login_url = login_url(&headers, state.app.settings.secure_cookies);
    let qr_svg = qr_svg(&login_url)?;
    let letters = b
        .entries
        .iter()
        .map(|e| Letter {
            name: e.name.clone(),
            sector: e.sector.clone(),
            username: e.username.clone(),
            password: e.password.clone(),
            by_phone: eline_app::accounts::mobile_of(e.phone.as_deref()).is_some(),
        })
        .collect();
    Ok(render(&LettersPage {
        committee: b.committee.clone(),
        login_url,
        qr_svg,
        date: chinese_date(b.created_at),
        letters,
        back: format!("/members/accounts/{id}"),
    }))
}

async fn list_xlsx(State(state): State<AppState>, user: PageUser, PagePath(id): PagePath<String>) -> Result<Response, PageError> {
    let b = state.app.account_batch(&user.actor, &id).await?;
    let rows = b
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| vec![(i + 1).to_string(), e.name.clone(), e.sector.clone(), e.phone.clone().unwrap_or_default(), e.username.clone(), e.password.clone()])
        .collect();
    let headers = ["序号", "姓名", "界别", "手机号", "用户名", "初始密码"].iter().map(|h| h.to_string()).collect();
    let bytes = eline_app::spreadsheet::write_xlsx(&[eline_app::spreadsheet::Sheet::text("账号清单", headers, rows)])?;
    let day = chinese_date(b.created_at);
    Ok(super::members::xlsx(&format!("委员账号清单（{day}）.xlsx"), bytes))
}

/// The login page's address as members reach it: this request's host (the letters are printed
/// from the address the office uses), https when the server is behind TLS.
fn login_url(headers: &HeaderMap, secure: bool) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.len() <= 255 && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)))
        .unwrap_or("localhost");
    format!("{}://{host}/login", if secure { "https" } else { "http" })
}

/// A QR code of `text` as an SVG element (scales with the page; black on white for print).
fn qr_svg(text: &str) -> Result<String, PageError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| PageError(AppError::Internal(format!("qr: {e}"))))?;
    Ok(code.render::<qrcode::render::svg::Color>().min_dimensions(160, 160).quiet_zone(true).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_urls_come_from_the_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "eline.zszx.gov.cn".parse().unwrap());
        assert_eq!(login_url(&h, true), "https://eline.zszx.gov.cn/login");
        h.insert(header::HOST, "evil.example/\"><script>".parse().unwrap_or(header::HeaderValue::from_static("x")));
        assert!(!login_url(&h, false).contains('<'));
        assert!(qr_svg("http://127.0.0.1:8080/login").unwrap().starts_with("<?xml") || qr_svg("x").unwrap().contains("<svg"));
    }
}
