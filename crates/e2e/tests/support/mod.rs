//! What the browser tests share: an API client for building fixtures, logging in through the
//! page, and the check that a page does not scroll sideways.

#![allow(dead_code)]

pub mod pdf;

use eline_e2e::{Browser, DEFAULT_WAIT};
use serde_json::{Value, json};

pub const DEMO_PASSWORD: &str = "eline-demo";
pub const PHONE: (u32, u32) = (360, 780);
pub const DESKTOP: (u32, u32) = (1280, 900);

/// A small API client for building the fixture.
pub struct Api {
    pub base: String,
    pub token: String,
    client: reqwest::Client,
}

impl Api {
    pub async fn login(base: &str, username: &str) -> Api {
        let client = reqwest::Client::new();
        let v: Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": username, "password": DEMO_PASSWORD}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("login answer");
        Api { base: base.to_string(), token: v["token"].as_str().expect("token").to_string(), client }
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let res = self.client.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token).json(&body).send().await.expect("request");
        let status = res.status();
        let v: Value = res.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {v}");
        v
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, body).await
    }

    pub async fn get(&self, path: &str) -> Value {
        let res = self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await.expect("request");
        res.json().await.expect("json")
    }
}

pub async fn log_in(browser: &Browser, base: &str, username: &str) {
    browser.submit_login(base, username, DEMO_PASSWORD).await;
    browser.wait_for_path("/", DEFAULT_WAIT).await;
}

pub async fn no_sideways_scroll(browser: &Browser, page: &str) {
    let (scroll_width, inner_width) = browser.scroll_and_inner_width().await;
    if scroll_width > inner_width + 1 {
        let culprits = browser.overflowing_elements().await;
        panic!("[{}px] {page} scrolls sideways ({scroll_width} > {inner_width}): {culprits:?}", browser.size().0);
    }
}
