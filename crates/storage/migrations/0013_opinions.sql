-- 社情民意信息 and 资政之声 (issue 13): reports with every revision the information office makes,
-- their outcomes at each level (采用, 部门采纳, 转送, 报全国, 批示 …) which flow back down a chain of
-- reports sent upward between committees on the platform, the numbered bulletin issues (期刊) they
-- are compiled into and the recipients each issue was sent to, and leaders' instructions (批示) on
-- any record of any kind with the follow-up each set in motion. One text for both engines.

CREATE TABLE opinions (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    -- The year the report counts in (its submission year; a draft's creation year).
    year BIGINT NOT NULL,
    -- opinion (社情民意) | direct (资政之声, addressed to the main party and government leaders).
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- member | organization | special_committee | sector | informant | committee (reported up
    -- from a committee below).
    submitter_kind TEXT NOT NULL,
    member_id BIGINT REFERENCES members(id),
    organization_id BIGINT REFERENCES organizations(id),
    special_committee_id BIGINT REFERENCES special_committees(id),
    sector_id BIGINT REFERENCES sectors(id),
    -- The name the report is credited to (a member, an organisation, an informant, a committee).
    author_name TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    submitted_at BIGINT,
    submitted_on TEXT,
    -- The service target (资政之声: working days from submission to decision).
    due_on TEXT,
    decided_at BIGINT,
    decided_on TEXT,
    -- Why it was returned (the latest return) or kept.
    return_reason TEXT,
    keep_reason TEXT,
    returns BIGINT NOT NULL DEFAULT 0,
    -- The record in a committee below this one reported up into this one.
    origin_id BIGINT REFERENCES opinions(id),
    -- The record this one was reported up as, in the parent committee.
    reported_up_id BIGINT REFERENCES opinions(id),
    reported_up_at BIGINT,
    -- Adopted and printed in an issued bulletin: members may read it (never its handling record).
    published BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX opinions_list ON opinions (committee_id, status, id);
CREATE INDEX opinions_year ON opinions (committee_id, year, id);
CREATE INDEX opinions_creator ON opinions (created_by, id);
CREATE INDEX opinions_member ON opinions (member_id, id);
CREATE INDEX opinions_origin ON opinions (origin_id);

-- Each version of the title and text: the submitter's (number 1, and each resubmission) and each
-- edit of the information office; who, when and why.
CREATE TABLE opinion_revisions (
    id INTEGER PRIMARY KEY,
    opinion_id BIGINT NOT NULL REFERENCES opinions(id),
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    edited_by BIGINT REFERENCES users(id),
    editor_name TEXT NOT NULL,
    note TEXT,
    at BIGINT NOT NULL
);
CREATE UNIQUE INDEX opinion_revisions_number ON opinion_revisions (opinion_id, number);

-- An outcome of a report at one level. Recorded on the report where it happened (source_id, in
-- the committee that adopted it) and copied to every report below it in the chain it was reported
-- up along (opinion_id), so each level's result reaches the origin and its submitters.
CREATE TABLE opinion_outcomes (
    id INTEGER PRIMARY KEY,
    opinion_id BIGINT NOT NULL REFERENCES opinions(id),
    source_id BIGINT NOT NULL REFERENCES opinions(id),
    -- city | province | national
    level TEXT NOT NULL,
    -- adopted | dept_adopted | instructed | forwarded | to_national | single_adopted |
    -- digest_adopted | to_ministries
    kind TEXT NOT NULL,
    -- The body that acted (e.g. the department that adopted it, the province committee).
    body TEXT,
    decided_on TEXT NOT NULL,
    note TEXT,
    -- Entered by hand (the parent is not on the platform) rather than by the parent itself.
    by_hand BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_by BIGINT REFERENCES users(id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX opinion_outcomes_opinion ON opinion_outcomes (opinion_id, id);
CREATE INDEX opinion_outcomes_source ON opinion_outcomes (source_id);

-- Numbered issues of 《社情民意》 and 《资政之声》 per year.
CREATE TABLE bulletins (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    -- opinion (《社情民意》) | direct (《资政之声》)
    series TEXT NOT NULL,
    year BIGINT NOT NULL,
    number BIGINT NOT NULL,
    -- single (单篇) | digest (综合)
    form TEXT NOT NULL,
    -- draft | issued
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    -- The issue's text as compiled (a digest's editorial text; a single issue's edited report).
    body TEXT NOT NULL,
    editor_unit TEXT NOT NULL,
    signed_off_by TEXT,
    issued_on TEXT,
    report_to TEXT,
    copy_to TEXT,
    created_by BIGINT NOT NULL REFERENCES users(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX bulletins_number ON bulletins (committee_id, series, year, number);
CREATE INDEX bulletins_list ON bulletins (committee_id, year, id);

-- The reports an issue draws on, in order, each credited by name.
CREATE TABLE bulletin_items (
    id INTEGER PRIMARY KEY,
    bulletin_id BIGINT NOT NULL REFERENCES bulletins(id),
    opinion_id BIGINT NOT NULL REFERENCES opinions(id),
    position BIGINT NOT NULL,
    credit TEXT NOT NULL
);
CREATE UNIQUE INDEX bulletin_items_pair ON bulletin_items (bulletin_id, opinion_id);
CREATE INDEX bulletin_items_opinion ON bulletin_items (opinion_id);

-- To whom an issue was sent (party committee, government, parent CPPCC, departments).
CREATE TABLE bulletin_sends (
    id INTEGER PRIMARY KEY,
    bulletin_id BIGINT NOT NULL REFERENCES bulletins(id),
    -- party_committee | government | parent_cppcc | department | other
    recipient_kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    recorded_by BIGINT REFERENCES users(id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX bulletin_sends_bulletin ON bulletin_sends (bulletin_id, id);

-- A leader's instruction (批示) on any outcome record: a proposal, a report, a bulletin issue (or
-- one report within it: item_opinion_id), later a consultation outcome or a supervision report.
CREATE TABLE instructions (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    record_kind TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    item_opinion_id BIGINT REFERENCES opinions(id),
    leader_name TEXT NOT NULL,
    leader_post TEXT NOT NULL,
    -- city | province | national
    rank TEXT NOT NULL,
    given_on TEXT NOT NULL,
    gist TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX instructions_record ON instructions (record_kind, record_id, id);
CREATE INDEX instructions_list ON instructions (committee_id, given_on, id);
CREATE INDEX instructions_item ON instructions (item_opinion_id);

-- What an instruction set in motion: by whom, when.
CREATE TABLE instruction_followups (
    id INTEGER PRIMARY KEY,
    instruction_id BIGINT NOT NULL REFERENCES instructions(id),
    done_on TEXT NOT NULL,
    by_whom TEXT NOT NULL,
    what TEXT NOT NULL,
    recorded_by BIGINT REFERENCES users(id),
    recorded_at BIGINT NOT NULL
);
CREATE INDEX instruction_followups_instruction ON instruction_followups (instruction_id, id);
