//! Home pages by role (issue 12, point 8): the leader's figures first, a member's own items and
//! what waits for them, reference-data tiles only for the office and admins, and no text that
//! promises a feature "will appear here".

use crate::helpers::*;
use eline_web::testing::spawn_demo_app;

#[tokio::test]
async fn each_role_sees_its_own_home_and_only_the_office_sees_reference_data() {
    let app = spawn_demo_app().await;
    for user in ROLES {
        let mut b = Browser::new(&app);
        b.login_ok(user, DEMO_PASSWORD).await;
        let html = b.page("/").await;
        assert!(!html.contains("将显示在这里"), "{user}: no placeholder text");
        let tiles = html.contains("id=\"figures\"");
        assert_eq!(tiles, user == "admin" || user == "staff", "{user}: reference-data tiles");
        match user {
            "leader" => {
                let overview = html.find("办复率").expect("the reply rate");
                let units = html.find("超期未答复的承办单位").expect("overdue units");
                let key = html.find("重点提案办理进度").expect("key proposals");
                let supervised = html.find("我督办的重点提案").expect("supervised");
                assert!(overview < units && units < key && key < supervised, "figures first");
                assert!(html.contains("满意率"));
            }
            "member" => {
                let mine = html.find("我的提案").expect("own proposals");
                assert!(html.find("我的委员档案").is_some_and(|f| f > mine), "own items before the profile");
                assert!(html.contains("近期活动") && html.contains("href=\"/activities\""), "the member's next activities (issue 15)");
            }
            _ => {}
        }
    }
}
