-- DOMAIN.md "Code tables": a private company (民营企业) is 单位性质 39 其他企业, "the guides insist
-- on it". Registration checked it, but the flag was not kept, so an `employer edit --nature 31`
-- could make a private company a 国有企业 afterwards. The flag is now stored and the rule holds
-- in the table itself.
ALTER TABLE employers ADD COLUMN private INTEGER NOT NULL DEFAULT 0
  CHECK (private IN (0, 1) AND (private = 0 OR nature_code = '39'));

-- Employers registered with --private before this migration: their registration event says so.
-- One whose nature was edited away from 39 since then is no longer marked private (the CHECK
-- above would refuse it), nor is one whose credit code was corrected since (the event names the
-- old code); `employer edit CODE --private` marks either.
UPDATE employers SET private = 1
WHERE nature_code = '39'
  AND credit_code IN (SELECT subject_id FROM events
                      WHERE action = 'employer.register'
                        AND json_extract(details, '$.private') = 1);
