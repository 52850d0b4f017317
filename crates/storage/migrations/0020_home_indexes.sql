-- Home pages at 1,000,000 proposals. One text for both engines.
--
-- A member's home counts the member's proposals that wait for their evaluation. The proposer
-- index (proposer_member_id) left SQLite reading every one of the member's proposals from the
-- table to test its status, walking each body's overflow pages (2 ms of the page's 6). This index
-- holds exactly the rows counted.
CREATE INDEX proposals_proposer_replied ON proposals (proposer_member_id) WHERE status = 'replied';

-- The leave queue of an approver (and its size on the office's home page) started from every
-- leave request of the committee, most of them left undecided on activities long closed (9,486
-- at the bench's scale, 7 ms a count, 13 ms the queue). It now starts from the open activities
-- of the approver, in date order, and reaches each one's requests through an index of the
-- requests alone.
CREATE INDEX activities_open ON activities (committee_id, approver_id, starts_at) WHERE status IN ('published', 'checkin_open');
CREATE INDEX activity_invitees_leave_requested ON activity_invitees (activity_id) WHERE leave_status = 'requested';
