//! Email end to end: a step → the dispatcher → lettre → the SMTP sink → the MIME a mail program
//! reads. Immediate mail, daily and weekly digests, preferences, an outage of the mail server,
//! and a dispatcher that died holding a batch.

use eline_domain::notice::{Channel, Mode};
use eline_storage::notifications as store;

use crate::support::*;

#[tokio::test]
async fn a_unit_is_mailed_at_once_when_a_proposal_is_assigned_and_no_one_else_is() {
    let w = World::new().await;
    let id = w.filed("关于加快老旧小区加装电梯的提案").await;
    // Filing tells the member (daily digest) and submitting the office (daily): nothing at once.
    assert_eq!(w.sent().await, 0);
    assert!(w.sink.received().is_empty());

    w.assign(id).await;
    assert_eq!(w.sent().await, 1);
    let received = w.sink.received();
    assert_eq!(received.len(), 1, "exactly one mail: {received:?}");
    assert_eq!(received[0].to, vec![address(&w.unit)], "to the unit's address alone");
    assert_eq!(received[0].from, FROM);

    let mail = &w.mails(&w.unit)[0];
    assert_eq!(mail.subject, "【委员e线通】交办提案：关于加快老旧小区加装电梯的提案");
    assert!(mail.header("To").unwrap().contains("承办单位联络员"), "addressed by name: {:?}", mail.header("To"));
    assert!(mail.header("From").unwrap().contains("委员e线通"));
    let message_id = mail.header("Message-ID").expect("a Message-ID");
    assert!(message_id.starts_with("<eline.") && message_id.ends_with("@eline.example.cn>"), "{message_id}");
    assert_eq!(mail.header("Auto-Submitted").as_deref(), Some("auto-generated"), "no vacation replies");
    assert_eq!(mail.header("List-Unsubscribe"), Some(format!("<{PREFS_URL}>")));
    for (part, body) in [("text", &mail.text), ("html", &mail.html)] {
        assert!(body.contains("承办单位联络员：您好！"), "{part}: greeting\n{body}");
        assert!(body.contains("关于加快老旧小区加装电梯的提案"), "{part}: the record's title");
        assert!(body.contains("交由贵单位办理"), "{part}: what happened\n{body}");
        assert!(body.contains(&proposal_url(id)), "{part}: a link to the record\n{body}");
        assert!(body.contains(PREFS_URL), "{part}: the preferences link\n{body}");
        assert!(body.contains("调整通知设置") || body.contains("不想收到这类邮件"), "{part}: the link says what it is for");
    }
    assert!(mail.html.contains(&format!("href=\"{PREFS_URL}\"")), "a clickable preferences link");
    assert!(mail.html.contains("<html lang=\"zh-CN\">"));

    // Sent is sent: another round sends nothing again.
    assert_eq!(w.sent().await, 0);
    assert_eq!(w.sink.received().len(), 1);
    let outbox = w.outbox().await;
    assert_eq!((outbox.pending, outbox.failing, outbox.sent), (0, 0, 1));
}

#[tokio::test]
async fn a_member_gets_one_daily_digest_grouped_by_record_never_repeated_and_never_empty() {
    let w = World::new().await;
    let first = w.filed("关于完善社区养老服务网络的提案").await;
    let second = w.filed("关于加强校园周边交通安全的提案").await;
    w.assign(first).await;
    w.reply(first).await;
    w.sent().await; // the unit's immediate mail
    assert!(w.mails(&w.member).is_empty(), "a member's news waits for the digest");

    // The member's three items and the office's two (submitted) make one digest each.
    assert_eq!(w.app.digest(w.cid, Mode::Daily, "2026-12-02").await.expect("digest"), 2);
    w.sent().await;
    let mails = w.mails(&w.member);
    assert_eq!(mails.len(), 1, "one digest for the member");
    let d = &mails[0];
    assert_eq!(d.subject, "【委员e线通】每日汇总：3条通知");
    for body in [&d.text, &d.html] {
        assert!(body.contains(PREFS_URL));
        assert!(body.contains("每日通知汇总"));
        assert_eq!(count(body, "提案已立案"), 2, "each filing once, its label not repeated before its message:\n{body}");
        assert_eq!(count(body, "承办单位已答复"), 1, "the reply once:\n{body}");
    }
    // Grouped by record: one heading (and one 查看 link) per proposal.
    assert_eq!(count(&d.text, "【关于完善社区养老服务网络的提案】"), 1, "{}", d.text);
    assert_eq!(count(&d.text, "【关于加强校园周边交通安全的提案】"), 1);
    assert_eq!(count(&d.text, &format!("查看：{}\n", proposal_url(first))), 1);
    assert_eq!(count(&d.text, &format!("查看：{}\n", proposal_url(second))), 1);
    let first_at = d.text.find("【关于完善社区养老服务网络的提案】").unwrap();
    let second_at = d.text.find("【关于加强校园周边交通安全的提案】").unwrap();
    let reply_at = d.text.find("承办单位已答复").unwrap();
    assert!(first_at < reply_at && reply_at < second_at, "the reply sits under its own proposal:\n{}", d.text);
    let staff = w.mails(&w.staff);
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].subject, "【委员e线通】每日汇总：2条通知");

    // A later period with nothing waiting: no empty digest (not even an empty message).
    assert_eq!(w.app.digest(w.cid, Mode::Daily, "2026-12-03").await.unwrap(), 0);
    assert_eq!(w.sent().await, 0);
    assert_eq!(w.mails(&w.member).len(), 1);

    // News after that waits for the next period: a period already made is not made again, even
    // with something waiting now (a second run, another server, a restart).
    w.assign(second).await;
    w.reply(second).await;
    assert_eq!(w.app.digest(w.cid, Mode::Daily, "2026-12-03").await.unwrap(), 0);
    assert_eq!(w.app.digest(w.cid, Mode::Daily, "2026-12-02").await.unwrap(), 0, "nor an earlier one");
    assert_eq!(w.sent().await, 1, "only the unit's immediate mail of the assignment");
    assert_eq!(w.mails(&w.member).len(), 1);
    assert_eq!(w.app.digest(w.cid, Mode::Daily, "2026-12-04").await.unwrap(), 1);
    w.sent().await;
    let mails = w.mails(&w.member);
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].subject, "【委员e线通】每日汇总：1条通知");
    assert!(mails[1].text.contains("关于加强校园周边交通安全的提案") && !mails[1].text.contains("关于完善社区养老服务网络的提案"));
}

#[tokio::test]
async fn two_servers_racing_for_one_period_make_one_digest() {
    let w = World::new().await;
    w.filed("关于推进垃圾分类收运体系建设的提案").await;
    let other = w.second_app().await;
    let (a, b) = tokio::join!(w.app.digest(w.cid, Mode::Daily, "2026-12-02"), other.digest(w.cid, Mode::Daily, "2026-12-02"));
    let (a, b) = (a.expect("first server"), b.expect("second server"));
    assert!(matches!((a, b), (2, 0) | (0, 2)), "one server made the member's and the office's digests, the other none: {a} {b}");
    let (x, y) = tokio::join!(w.app.dispatch_all(), other.dispatch_all());
    assert_eq!(x.unwrap().sent + y.unwrap().sent, 2, "each digest sent by one server");
    assert_eq!(w.mails(&w.member).len(), 1);
    assert_eq!(w.mails(&w.staff).len(), 1);
}

#[tokio::test]
async fn a_kind_switched_off_is_not_mailed_and_a_weekly_one_waits_for_the_weekly_digest() {
    let w = World::new().await;
    w.set_pref(&w.unit, "proposal.assigned", Channel::Email, Mode::Off).await;
    w.set_pref(&w.member, "proposal.filed", Channel::Email, Mode::Weekly).await;
    let unread = w.app.unread_count(&w.unit).await.unwrap();
    let id = w.filed("关于优化营商环境的提案").await;
    w.assign(id).await;
    assert_eq!(w.sent().await, 0);
    assert!(w.mails(&w.unit).is_empty(), "off: no mail");
    assert_eq!(w.app.unread_count(&w.unit).await.unwrap(), unread + 1, "the inbox still has it");

    w.app.digest(w.cid, Mode::Daily, "2026-12-02").await.unwrap();
    w.sent().await;
    assert!(w.mails(&w.member).is_empty(), "weekly: not in the daily digest");
    assert_eq!(w.app.digest(w.cid, Mode::Weekly, "2026-11-30").await.unwrap(), 1);
    w.sent().await;
    let mails = w.mails(&w.member);
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "【委员e线通】每周汇总：1条通知");
    assert!(mails[0].text.contains("每周通知汇总") && mails[0].text.contains("关于优化营商环境的提案"), "{}", mails[0].text);
    assert_eq!(w.app.digest(w.cid, Mode::Weekly, "2026-11-30").await.unwrap(), 0, "a week's digest once");
}

#[tokio::test]
async fn a_mail_server_outage_delays_mail_but_loses_none_and_admins_see_and_retry_it() {
    let w = World::new().await;
    let before = w.filed("关于加强农村饮水安全保障的提案").await;
    w.assign(before).await;
    assert_eq!(w.sent().await, 1, "the server is up: sent (and its connection pooled)");

    w.sink.stop().await;
    assert!(!w.sink.is_up().await, "connections are refused");
    let during = w.filed("关于完善公共法律服务体系的提案").await;
    w.assign(during).await;
    let round = w.app.dispatch_all().await.unwrap();
    assert_eq!((round.sent, round.failed), (0, 1));
    let outbox = w.outbox().await;
    assert_eq!((outbox.pending, outbox.failing, outbox.sent), (1, 1, 1));
    let failure = &outbox.failures[0];
    assert_eq!((failure.channel, failure.mode, failure.attempts), (Channel::Email, Mode::Immediate, 1));
    assert!(failure.user_name.contains("承办单位联络员"), "{}", failure.user_name);
    let error = failure.last_error.clone().expect("the error is kept");
    assert!(error.starts_with("邮件发送失败"), "{error}");
    assert!(failure.next_attempt_at > eline_storage::now_micros(), "it waits before the next attempt");
    // Backing off: another round right away does not hammer the server.
    assert_eq!(w.app.dispatch_all().await.unwrap(), Default::default());

    w.sink.restart().await;
    assert!(w.app.retry_messages(&w.staff, None).await.is_err(), "only administrators retry");
    assert_eq!(w.app.retry_messages(&w.admin, None).await.unwrap(), 1);
    assert_eq!(w.sent().await, 1);
    let mails = w.mails(&w.unit);
    assert_eq!(mails.len(), 2, "both mails, each once");
    assert!(mails[1].subject.contains("关于完善公共法律服务体系的提案"));
    let outbox = w.outbox().await;
    assert_eq!((outbox.pending, outbox.failing, outbox.sent), (0, 0, 2));
    assert_eq!(w.sent().await, 0);
    assert_eq!(w.sink.received().len(), 2);
}

#[tokio::test]
async fn a_batch_claimed_by_a_dispatcher_that_died_is_sent_by_another_server_after_the_lease() {
    let w = World::new().await;
    let id = w.filed("关于推动中小企业数字化转型的提案").await;
    w.assign(id).await;
    let other = w.second_app().await;
    // A dispatcher claims the batch (a lease of 3 s here; 60 s in service) and dies before
    // sending anything.
    let lease = std::time::Duration::from_secs(3);
    let before_claim = std::time::Instant::now();
    let claimed = {
        let mut tx = w.t.db.begin().await.unwrap();
        let rows = store::claim(&mut tx.ex(), eline_storage::now_micros(), lease.as_micros() as i64, 200).await.unwrap();
        tx.commit().await.unwrap();
        rows
    };
    let after_claim = std::time::Instant::now();
    assert_eq!(claimed.len(), 1);
    assert_eq!(other.dispatch_all().await.unwrap().sent, 0, "held while the lease runs");
    assert!(before_claim.elapsed() < lease, "the check ran within the lease");
    assert!(w.sink.received().is_empty());

    tokio::time::sleep_until((after_claim + lease + std::time::Duration::from_millis(200)).into()).await;
    assert_eq!(other.dispatch_all().await.unwrap().sent, 1, "taken over once the lease ran out");
    assert_eq!(w.app.dispatch_all().await.unwrap().sent, 0);
    assert_eq!(w.mails(&w.unit).len(), 1);
    let mut c = w.t.db.acquire().await.unwrap();
    let m = store::message(&mut c.ex(), claimed[0].id).await.unwrap().unwrap();
    assert_eq!((m.state.as_str(), m.attempts), ("sent", 1));
}

#[tokio::test]
async fn an_email_lists_the_first_records_and_counts_the_rest_for_the_inbox() {
    use eline_app::notify::deliver::{Item, MAIL_GROUPS};
    let w = World::new().await;
    let who = eline_storage::notifications::Addressee { user_id: 1, username: "staff".into(), display_name: "办公室".into(), phone: None, email: None };
    // An escalation run on a whole overdue session: 3 notices on each of 2,000 records.
    let items: Vec<Item> = (0..6_000)
        .map(|i| {
            let record = i / 3;
            Item {
                id: i,
                kind: "proposal.overdue".into(),
                kind_label: "办理超期".into(),
                title: format!("第{record}号提案"),
                message: format!("第{i}条提醒"),
                target_type: "proposal".into(),
                target_id: record,
                url: format!("https://eline.example.cn/proposals/{record}"),
                created_at: "2026-12-01T09:12:00+08:00".into(),
                time: "12-01 09:12".into(),
                lead: String::new(),
            }
        })
        .collect();
    let mail = w.app.render_mail("清河市政协", &who, Mode::Immediate, items).unwrap();
    assert_eq!(mail.subject, "【委员e线通】6000条通知", "the subject counts them all");
    for body in [&mail.text, &mail.html] {
        assert!(body.contains(&format!("第{}号提案", MAIL_GROUPS - 1)) && !body.contains(&format!("第{MAIL_GROUPS}号提案")), "the first records only");
        assert_eq!(body.matches("条提醒").count(), MAIL_GROUPS * 3, "each listed record with all its notices");
        assert!(body.contains(&format!("另有{}条通知未在邮件中列出", 6_000 - MAIL_GROUPS * 3)), "{body}");
        assert!(body.contains("/notifications"), "and where to read them");
    }
}
