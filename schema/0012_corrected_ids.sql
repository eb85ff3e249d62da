-- An ID number the school corrected away (student correct --id-number) must not come back as a
-- new graduate when the department's original roster is imported again: the import would add
-- the old number as a second, valid record of the same person, who could then sign a second
-- agreement (DOMAIN.md: one live destination, one employer). The import refuses such a row as
-- id_corrected, naming the number it became; correcting a record back to the old number takes
-- it off this list.
CREATE TABLE corrected_ids (
  id_number    TEXT NOT NULL CHECK (length(id_number) = 18),
  cohort       INTEGER NOT NULL,
  graduate_id  INTEGER NOT NULL REFERENCES graduates(id),
  corrected_at TEXT NOT NULL,
  PRIMARY KEY (id_number, cohort)
) STRICT, WITHOUT ROWID;

-- The corrections made before this table: each old number, followed through later corrections
-- of the same record (old → new → newer) to the graduate that holds the last of them. A number
-- that is some graduate's again (corrected back, or imported as a new record since) is left out.
WITH RECURSIVE
  correction(event_id, at, cohort, old, new) AS (
    SELECT id, at, details ->> '$.cohort', details ->> '$.changes.id_number.old',
           details ->> '$.changes.id_number.new'
    FROM events
    WHERE action = 'graduate.correct' AND details -> '$.changes.id_number' IS NOT NULL),
  chain(start, cohort, old, at, current, step) AS (
    SELECT event_id, cohort, old, at, new, event_id FROM correction
    UNION ALL
    SELECT chain.start, chain.cohort, chain.old, chain.at, c.new, c.event_id
    FROM chain JOIN correction c
      ON c.old = chain.current AND c.cohort = chain.cohort AND c.event_id > chain.step
    -- Only the first correction to leave that number afterwards: while this record held it no
    -- other could (one record per number and 届别), so that one is this record's; a later one
    -- belongs to a graduate who took the number after it was free again.
    WHERE c.event_id = (SELECT min(c3.event_id) FROM correction c3
                        WHERE c3.old = chain.current AND c3.cohort = chain.cohort
                          AND c3.event_id > chain.step)),
  latest(old, cohort, start) AS (
    SELECT old, cohort, max(start) FROM chain GROUP BY old, cohort)
INSERT INTO corrected_ids (id_number, cohort, graduate_id, corrected_at)
SELECT chain.old, chain.cohort, g.id, chain.at
FROM latest
  JOIN chain ON chain.start = latest.start
  JOIN graduates g ON g.id_number = chain.current AND g.cohort = chain.cohort
WHERE chain.step = (SELECT max(step) FROM chain c2 WHERE c2.start = latest.start)
  AND NOT EXISTS (SELECT 1 FROM graduates o WHERE o.id_number = chain.old AND o.cohort = chain.cohort)
  AND length(chain.old) = 18
ON CONFLICT DO NOTHING;
