-- The reply letter (答复函) in its official layout: what the handling unit states on it besides
-- the text. Nullable: replies recorded before (and imported history) have none, and the letter
-- leaves those lines out.
ALTER TABLE proposal_replies ADD COLUMN doc_number TEXT;
ALTER TABLE proposal_replies ADD COLUMN contact_name TEXT;
ALTER TABLE proposal_replies ADD COLUMN contact_phone TEXT;
ALTER TABLE proposal_replies ADD COLUMN disclosure TEXT;

-- The committee's full official name (e.g. 中国人民政治协商会议中山市委员会) for letter headings;
-- without it the letter spells out the name the committee row holds.
ALTER TABLE committees ADD COLUMN full_name TEXT;
