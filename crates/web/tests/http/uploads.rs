//! Resumable uploads: a file sent in pieces, resumed after a lost answer, attached to a proposal;
//! nobody else's upload can be seen or written; bad pieces change nothing.

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use eline_web::testing::spawn_demo_app;

use crate::helpers::*;

async fn piece(api: &Api, id: &str, offset: usize, bytes: &[u8]) -> reqwest::Response {
    api.req(Method::PATCH, &format!("/api/v1/uploads/{id}"))
        .header("Upload-Offset", offset.to_string())
        .header("Content-Type", "application/offset+octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

/// A PDF of about 300 KB (its type is sniffed from the first bytes).
fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend((0..300_000u32).map(|i| (i % 251) as u8));
    bytes
}

async fn draft(member: &Api) -> i64 {
    let body = json!({"title": "关于分段上传材料的提案", "body": "情况分析和具体建议。".repeat(10), "kind": "individual"});
    json_of(member.post("/api/v1/proposals", &body).await, 201).await["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_file_sent_in_pieces_resumes_after_a_lost_answer_and_is_attached_whole() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let proposal = draft(&member).await;
    let file = pdf();
    let res = member.post("/api/v1/uploads", &json!({"file_name": "调研报告.pdf", "size": file.len()})).await;
    let location = location(&res);
    assert_eq!(header_str(res.headers(), "upload-offset"), "0");
    let started = json_of(res, 201).await;
    let id = started["id"].as_str().unwrap().to_string();
    assert_eq!(location, format!("/api/v1/uploads/{id}"));
    assert_eq!(started["received"], 0);
    assert_eq!(started["complete"], false);
    assert!(started["expires_at"].as_str().unwrap().ends_with("+08:00"));

    let (a, b) = (100_000, 200_000);
    let first = json_of(piece(&member, &id, 0, &file[..a]).await, 200).await;
    assert_eq!(first["received"], a);
    // The second piece arrives but its answer is lost; the app cannot know and asks.
    assert_eq!(piece(&member, &id, a, &file[a..b]).await.status(), 200);
    let asked = json_of(member.get(&format!("/api/v1/uploads/{id}")).await, 200).await;
    assert_eq!(asked["received"], b);
    // Sending from an offset the server does not have is refused and changes nothing.
    assert_problem(piece(&member, &id, a, &file[a..b]).await, 409, "invalid_transition").await;
    assert_problem(piece(&member, &id, b + 10, &file[b + 10..]).await, 409, "invalid_transition").await;
    assert_eq!(member.get_json(&format!("/api/v1/uploads/{id}")).await["received"], b);
    // Not finished yet: it cannot be attached.
    let early = member.post(&format!("/api/v1/proposals/{proposal}/attachments/from-upload"), &json!({"upload_id": id, "purpose": "proposal"})).await;
    assert!(error_for(&assert_problem(early, 422, "validation_failed").await, "upload_id").contains("尚未传完"));

    let last = json_of(piece(&member, &id, b, &file[b..]).await, 200).await;
    assert_eq!(last["complete"], true);
    let attached =
        json_of(member.post(&format!("/api/v1/proposals/{proposal}/attachments/from-upload"), &json!({"upload_id": id, "purpose": "proposal"})).await, 201)
            .await;
    assert_eq!(attached["file_name"], "调研报告.pdf");
    assert_eq!(attached["size"], file.len());
    assert_eq!(attached["sha256"], hex::encode(Sha256::digest(&file)));
    let downloaded = member.get(&format!("/api/v1/proposals/{proposal}/attachments/{}", attached["id"])).await;
    assert_eq!(downloaded.bytes().await.unwrap().as_ref(), &file[..], "the file reads back whole");
    // The upload is used up.
    assert_problem(member.get(&format!("/api/v1/uploads/{id}")).await, 404, "not_found").await;
    let again = member.post(&format!("/api/v1/proposals/{proposal}/attachments/from-upload"), &json!({"upload_id": id, "purpose": "proposal"})).await;
    assert_problem(again, 422, "validation_failed").await;
}

#[tokio::test]
async fn an_upload_is_its_owners_alone_and_bad_input_changes_nothing() {
    let app = spawn_demo_app().await;
    let member = Api::login(&app, "member", DEMO_PASSWORD).await;
    let staff = Api::login(&app, "staff", DEMO_PASSWORD).await;
    let started = json_of(member.post("/api/v1/uploads", &json!({"file_name": "照片.png", "size": 10})).await, 201).await;
    let id = started["id"].as_str().unwrap();
    assert_problem(staff.get(&format!("/api/v1/uploads/{id}")).await, 404, "not_found").await;
    assert_problem(piece(&staff, id, 0, b"0123456789").await, 404, "not_found").await;
    assert_problem(member.get("/api/v1/uploads/..%2F..%2Fetc%2Fpasswd").await, 404, "not_found").await;

    for (body, field) in [
        (json!({"file_name": "", "size": 10}), "file_name"),
        (json!({"file_name": "a.pdf", "size": 0}), "size"),
        (json!({"file_name": "a.pdf", "size": 20 * 1024 * 1024 + 1}), "size"),
    ] {
        let p = assert_problem(member.post("/api/v1/uploads", &body).await, 422, "validation_failed").await;
        assert!(has_chinese(&error_for(&p, field)), "{p}");
    }
    // A piece past the declared size, or without its offset: refused, nothing received.
    let p = assert_problem(piece(&member, id, 0, b"01234567890").await, 422, "validation_failed").await;
    assert!(error_for(&p, "body").contains("超出"), "{p}");
    let res = member.req(Method::PATCH, &format!("/api/v1/uploads/{id}")).body(b"0123".to_vec()).send().await.unwrap();
    assert!(error_for(&assert_problem(res, 422, "validation_failed").await, "upload-offset").contains("Upload-Offset"));
    assert_eq!(member.get_json(&format!("/api/v1/uploads/{id}")).await["received"], 0);

    // A finished upload that is no allowed type is refused at attaching, like a direct upload.
    json_of(piece(&member, id, 0, b"not an img").await, 200).await;
    let proposal = draft(&member).await;
    let res = member.post(&format!("/api/v1/proposals/{proposal}/attachments/from-upload"), &json!({"upload_id": id, "purpose": "proposal"})).await;
    let p: Value = assert_problem(res, 422, "validation_failed").await;
    assert!(error_for(&p, "file").contains("只能上传"), "{p}");
    // Someone else cannot attach it to their record either.
    let theirs = staff.post(&format!("/api/v1/proposals/{proposal}/attachments/from-upload"), &json!({"upload_id": id, "purpose": "proposal"})).await;
    assert!(theirs.status() == 404 || theirs.status() == 422, "{}", theirs.status());
}
