//! The names a report's states, channels, submitters, outcomes and bulletins go by.

crate::labeled! {
    /// Where a report is in its handling.
    pub enum Status {
        Draft = "draft" / "草稿",
        Submitted = "submitted" / "待受理",
        Editing = "editing" / "编辑中",
        Returned = "returned" / "退回修改",
        Adopted = "adopted" / "已录用",
        Kept = "kept" / "留存",
    }
}

impl Status {
    /// Decided by the information office (adopted or kept).
    pub fn is_decided(self) -> bool {
        matches!(self, Status::Adopted | Status::Kept)
    }

    /// Waiting for the information office (its queue).
    pub fn awaits_office(self) -> bool {
        matches!(self, Status::Submitted | Status::Editing)
    }

    /// With its author (draft or returned): the author may edit and submit it.
    pub fn with_author(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }
}

crate::labeled! {
    /// The channel a report goes by.
    pub enum Channel {
        /// 社情民意信息
        Opinion = "opinion" / "社情民意",
        /// 资政之声: addressed to the main party and government leaders, with a faster target.
        Direct = "direct" / "资政之声",
    }
}

impl Channel {
    /// The bulletin series of the channel (《社情民意》, 《资政之声》).
    pub fn series_title(self) -> &'static str {
        match self {
            Channel::Opinion => "社情民意",
            Channel::Direct => "资政之声",
        }
    }
}

crate::labeled! {
    /// Who a report is submitted by.
    pub enum Submitter {
        Member = "member" / "委员",
        Organization = "organization" / "党派团体",
        SpecialCommittee = "special_committee" / "专委会",
        Sector = "sector" / "界别",
        /// 特邀信息员: an account with no member record.
        Informant = "informant" / "特邀信息员",
        /// A committee below reported it up.
        Committee = "committee" / "下级政协",
    }
}

crate::labeled! {
    /// The level of an outcome (and of an instruction's leader).
    pub enum Level {
        City = "city" / "市级",
        Province = "province" / "省级",
        National = "national" / "全国",
    }
}

impl Level {
    /// The level of a committee (`committees.level`): county and city committees count as city.
    pub fn of_committee(level: &str) -> Level {
        match level {
            "province" => Level::Province,
            "national" => Level::National,
            _ => Level::City,
        }
    }

    /// The next level up, if any.
    pub fn parent(self) -> Option<Level> {
        match self {
            Level::City => Some(Level::Province),
            Level::Province => Some(Level::National),
            Level::National => None,
        }
    }

    /// The kinds of outcome recorded at the level (DOMAIN.md).
    pub fn outcome_kinds(self) -> &'static [OutcomeKind] {
        match self {
            Level::City => &[OutcomeKind::Adopted, OutcomeKind::DeptAdopted, OutcomeKind::Instructed],
            Level::Province => &[OutcomeKind::Adopted, OutcomeKind::Forwarded, OutcomeKind::ToNational],
            Level::National => &[OutcomeKind::SingleAdopted, OutcomeKind::DigestAdopted, OutcomeKind::ToMinistries, OutcomeKind::Instructed],
        }
    }
}

crate::labeled! {
    /// What became of a report at a level.
    pub enum OutcomeKind {
        Adopted = "adopted" / "采用",
        DeptAdopted = "dept_adopted" / "部门采纳",
        Instructed = "instructed" / "批示",
        Forwarded = "forwarded" / "转送",
        ToNational = "to_national" / "报全国",
        SingleAdopted = "single_adopted" / "单篇采用",
        DigestAdopted = "digest_adopted" / "综合采用",
        ToMinistries = "to_ministries" / "转送部委",
    }
}

crate::labeled! {
    /// The form of a bulletin issue.
    pub enum BulletinForm {
        /// 单篇: one report.
        Single = "single" / "单篇",
        /// 综合: a digest drawing on several reports.
        Digest = "digest" / "综合",
    }
}

crate::labeled! {
    /// A bulletin issue's state.
    pub enum BulletinStatus {
        Draft = "draft" / "编辑中",
        Issued = "issued" / "已印发",
    }
}

crate::labeled! {
    /// Whom a bulletin issue was sent to.
    pub enum RecipientKind {
        PartyCommittee = "party_committee" / "党委",
        Government = "government" / "政府",
        ParentCppcc = "parent_cppcc" / "上级政协",
        Department = "department" / "部门",
        Other = "other" / "其他",
    }
}

crate::labeled! {
    /// The office's queues of reports.
    pub enum Queue {
        /// Submitted or being edited, 社情民意.
        Opinion = "opinion" / "社情民意待处理",
        /// Submitted or being edited, 资政之声 (its faster target).
        Direct = "direct" / "资政之声待处理",
        /// Adopted, not yet in a bulletin issue.
        ToCompile = "to_compile" / "待编发",
    }
}

crate::labeled! {
    /// The actions recorded on a report (timeline, audit log).
    pub enum Act {
        Submit = "submit" / "提交",
        Take = "take" / "受理",
        Revise = "revise" / "编辑修改",
        Return = "return" / "退回修改",
        Adopt = "adopt" / "录用",
        Keep = "keep" / "留存",
        MarkDirect = "mark_direct" / "标为资政之声",
        UnmarkDirect = "unmark_direct" / "改为社情民意",
        ReportUp = "report_up" / "报送上级政协",
        RecordOutcome = "record_outcome" / "登记采用情况",
        /// An outcome recorded by a committee above, arriving down the chain.
        OutcomeFromAbove = "outcome_from_above" / "上级采用情况",
        /// Arrived from a committee below.
        ReceivedFromBelow = "received_from_below" / "下级政协报送",
        Delete = "delete" / "删除草稿",
        ConvertToProposal = "convert_to_proposal" / "转为提案",
    }
}
