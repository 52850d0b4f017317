-- Bulletin issues (期刊) take their number when they are issued (印发), in issue order and without
-- gaps, so a draft abandoned or issued later never leaves a hole or an out-of-order number: a
-- draft holds number 0 until then, and only issued numbers are unique per committee, series and
-- year. A report is compiled into one issue only (its single publication: the credit, the
-- instruction on it and the statistics all point at that one issue).
DROP INDEX bulletins_number;
CREATE UNIQUE INDEX bulletins_issued_number ON bulletins (committee_id, series, year, number) WHERE status = 'issued';
DROP INDEX bulletin_items_opinion;
CREATE UNIQUE INDEX bulletin_items_opinion_once ON bulletin_items (opinion_id);
