//! The names an activity's kinds, states and each invitee's reply, leave and attendance go by.

crate::labeled! {
    /// The kind of an activity (DOMAIN.md, "Activities and meetings").
    pub enum Kind {
        Plenary = "plenary" / "全体会议",
        Standing = "standing" / "常委会议",
        Chairs = "chairs" / "主席会议",
        CommitteeMeeting = "committee_meeting" / "专委会会议",
        Consultation = "consultation" / "协商会",
        Inspection = "inspection" / "视察",
        Research = "research" / "调研",
        Visit = "visit" / "考察",
        Training = "training" / "培训",
        Study = "study" / "学习",
        Sector = "sector" / "界别活动",
        Station = "station" / "委员工作站接待",
        Briefing = "briefing" / "政情通报",
        Other = "other" / "其他",
    }
}

impl Kind {
    /// A meeting whose leave the committee's meeting approver decides (secretary-general or
    /// chair): plenary, standing-committee and chairs' meetings.
    pub fn is_formal_meeting(self) -> bool {
        matches!(self, Kind::Plenary | Kind::Standing | Kind::Chairs)
    }
}

crate::labeled! {
    /// Where an activity is.
    pub enum Status {
        Planned = "planned" / "筹备中",
        Published = "published" / "已发布",
        CheckinOpen = "checkin_open" / "签到中",
        Closed = "closed" / "已结束",
        Cancelled = "cancelled" / "已取消",
    }
}

impl Status {
    /// Published and not yet over: invitees may answer, ask for leave, sign up.
    pub fn is_running(self) -> bool {
        matches!(self, Status::Published | Status::CheckinOpen)
    }

    /// May still be changed by the office.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Planned | Status::Published | Status::CheckinOpen)
    }
}

crate::labeled! {
    /// Who organises an activity.
    pub enum Organiser {
        Office = "office" / "政协办公室",
        SpecialCommittee = "special_committee" / "专委会",
    }
}

crate::labeled! {
    /// How members take part.
    pub enum Participation {
        /// A compulsory invited list.
        Invited = "invited" / "指定参加",
        /// Open sign-up with a capacity and a waiting list.
        Signup = "signup" / "自愿报名",
    }
}

crate::labeled! {
    /// How a member came onto an activity's list.
    pub enum Source {
        Role = "role" / "按职务",
        Sector = "sector" / "按界别",
        SpecialCommittee = "special_committee" / "按专委会",
        Station = "station" / "按工作站",
        Organization = "organization" / "按党派团体",
        Hand = "hand" / "逐个指定",
        Signup = "signup" / "报名",
    }
}

crate::labeled! {
    /// An invitee's reply.
    pub enum Rsvp {
        Yes = "yes" / "参加",
        No = "no" / "不参加",
    }
}

crate::labeled! {
    /// Where an invitee's leave request is.
    pub enum LeaveStatus {
        Requested = "requested" / "待审批",
        Approved = "approved" / "已准假",
        Denied = "denied" / "未准假",
    }
}

crate::labeled! {
    /// An invitee's attendance, final at close.
    pub enum Attendance {
        Present = "present" / "出席",
        Late = "late" / "迟到",
        Excused = "excused" / "请假",
        Absent = "absent" / "缺席",
    }
}

impl Attendance {
    /// Counts as a person-time (人次): present or late.
    pub fn attended(self) -> bool {
        matches!(self, Attendance::Present | Attendance::Late)
    }
}

crate::labeled! {
    /// How an invitee was checked in.
    pub enum CheckinMethod {
        Code = "code" / "扫码或输入签到码",
        Hand = "hand" / "工作人员代签",
    }
}

crate::labeled! {
    /// Why a check-in (or check-out) was refused; each refusal is recorded.
    pub enum CheckinRefusal {
        Expired = "expired" / "签到码已过期，请扫描现场屏幕上的最新二维码或输入最新的6位数字",
        Replayed = "replayed" / "这个签到码已经用过，请使用现场屏幕上的最新签到码",
        Foreign = "foreign" / "签到码不正确，不是本次活动现场显示的签到码",
        OutsideWindow = "outside_window" / "现在不在本次活动的签到时间内",
        NotInvited = "not_invited" / "您不在本次活动的参加名单中，不能签到",
    }
}

impl CheckinRefusal {
    /// The refusal whose message is `text` (an error passed through the action runner).
    pub fn from_message(text: &str) -> Option<CheckinRefusal> {
        CheckinRefusal::ALL.iter().copied().find(|r| r.label() == text)
    }
}

crate::labeled! {
    /// Which part of the calendar a list shows.
    pub enum When {
        /// Not yet over, soonest first.
        Upcoming = "upcoming" / "即将开始",
        /// Started before now, newest first.
        Past = "past" / "已开始或结束",
        All = "all" / "全部",
    }
}
