-- Activities and meetings (issue 15): the activity with its organiser, time, place, kind and
-- participation; who is invited (or signed up, or waiting), each invitee's reply, leave request and
-- decision, check-in and check-out and final attendance; every refused check-in attempt; the
-- changes of time or place after publishing; and each member's secret calendar-feed token.
-- One text for both engines.

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    -- The year and Beijing date the activity starts on (lists and statistics).
    year BIGINT NOT NULL,
    starts_on TEXT NOT NULL,
    -- plenary | standing | chairs | committee_meeting | consultation | inspection | research |
    -- visit | training | study | sector | station | briefing | other (eline_domain::activity::Kind).
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    place TEXT NOT NULL,
    -- Microseconds since the epoch.
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    -- office | special_committee
    organiser_kind TEXT NOT NULL,
    special_committee_id BIGINT REFERENCES special_committees(id),
    -- invited (compulsory list) | signup (open sign-up with a capacity and a waiting list)
    participation TEXT NOT NULL,
    capacity BIGINT,
    -- planned | published | checkin_open | closed | cancelled
    status TEXT NOT NULL,
    cancel_reason TEXT,
    -- The user who decides leave requests (none: the office decides).
    approver_id BIGINT REFERENCES users(id),
    -- Leave requested after this moment (microseconds) is marked late.
    leave_deadline_at BIGINT NOT NULL,
    -- Check-in is accepted between these moments (microseconds), while check-in is open.
    checkin_from BIGINT NOT NULL,
    checkin_until BIGINT NOT NULL,
    -- Members check out too (long meetings); attendance below min_share_percent counts as absent.
    checkout BOOLEAN NOT NULL DEFAULT FALSE,
    min_share_percent BIGINT NOT NULL DEFAULT 67,
    -- A check-in this many minutes after the start is late.
    late_after_minutes BIGINT NOT NULL DEFAULT 15,
    -- The secret the rotating check-in codes are derived from (never shown).
    checkin_secret TEXT NOT NULL,
    -- 政情通报: the briefing leader (and post) and the matter briefed.
    briefing_leader TEXT,
    -- The first activity of a recurring series this one belongs to.
    series_id BIGINT REFERENCES activities(id),
    -- Changes of time or place after publishing (shown to the invitees).
    changes BIGINT NOT NULL DEFAULT 0,
    published_at BIGINT,
    closed_at BIGINT,
    created_by BIGINT NOT NULL REFERENCES users(id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX activities_list ON activities (committee_id, starts_at, id);
CREATE INDEX activities_year ON activities (committee_id, year, kind);
CREATE INDEX activities_series ON activities (series_id);

-- One member on one activity's list: invited (by role, sector, special committee, station,
-- organisation or by hand), signed up, or waiting for a place.
CREATE TABLE activity_invitees (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES activities(id),
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    -- How the member came onto the list: role | sector | special_committee | station |
    -- organization | hand | signup
    source TEXT NOT NULL,
    -- Signed up beyond the capacity: waiting for a place (not counted until moved up).
    waiting BOOLEAN NOT NULL DEFAULT FALSE,
    -- The member's reply: yes | no (none: not answered).
    rsvp TEXT,
    -- requested | approved | denied (none: no leave asked)
    leave_status TEXT,
    leave_reason TEXT,
    leave_requested_at BIGINT,
    leave_late BOOLEAN NOT NULL DEFAULT FALSE,
    leave_decided_by BIGINT REFERENCES users(id),
    leave_decided_at BIGINT,
    leave_note TEXT,
    checked_in_at BIGINT,
    -- code | hand
    checkin_method TEXT,
    checkin_by BIGINT REFERENCES users(id),
    checkin_reason TEXT,
    checked_out_at BIGINT,
    -- The newest code window this member used (a code of that window or older is refused as
    -- replayed).
    last_window BIGINT,
    -- present | late | excused | absent: set at close.
    attendance TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX activity_invitees_pair ON activity_invitees (activity_id, member_id);
CREATE INDEX activity_invitees_member ON activity_invitees (member_id, activity_id);
CREATE INDEX activity_invitees_leave ON activity_invitees (committee_id, leave_status, activity_id);

-- Each refused check-in (expired, replayed or foreign code, outside the window, not invited).
CREATE TABLE activity_checkin_attempts (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES activities(id),
    committee_id BIGINT NOT NULL REFERENCES committees(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    member_id BIGINT REFERENCES members(id),
    code TEXT NOT NULL,
    -- expired | replayed | foreign | outside_window | not_invited
    outcome TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX activity_checkin_attempts_activity ON activity_checkin_attempts (activity_id, id);

-- A change of time or place after publishing: what it was and what it became.
CREATE TABLE activity_changes (
    id INTEGER PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES activities(id),
    field TEXT NOT NULL,
    before_value TEXT NOT NULL,
    after_value TEXT NOT NULL,
    changed_by BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL
);
CREATE INDEX activity_changes_activity ON activity_changes (activity_id, id);

-- A member's personal calendar feed: the SHA-256 of its secret token (regenerating replaces it,
-- revoking clears it).
CREATE TABLE calendar_feeds (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX calendar_feeds_user ON calendar_feeds (user_id);
CREATE UNIQUE INDEX calendar_feeds_token ON calendar_feeds (token_hash);
