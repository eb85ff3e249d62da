-- Graduates, from roster imports. A person is on one roster per cohort: (id_number, cohort) is
-- the key, so a 本科 graduate of 2022 who finishes a 硕士 in 2025 has two records.
CREATE TABLE imports (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,
  file       TEXT NOT NULL,
  format     TEXT NOT NULL,
  encoding   TEXT NOT NULL,
  sheet      TEXT NOT NULL DEFAULT '',
  added      INTEGER NOT NULL DEFAULT 0,
  updated    INTEGER NOT NULL DEFAULT 0,
  unchanged  INTEGER NOT NULL DEFAULT 0,
  rejected   INTEGER NOT NULL DEFAULT 0,
  blank      INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE graduates (
  id            INTEGER PRIMARY KEY,
  id_number     TEXT NOT NULL CHECK (length(id_number) = 18),
  cohort        INTEGER NOT NULL CHECK (cohort BETWEEN 1900 AND 2999),
  name          TEXT NOT NULL CHECK (length(name) > 0),
  school_code   TEXT NOT NULL REFERENCES schools(code),
  department    TEXT NOT NULL DEFAULT '',
  degree_level  TEXT REFERENCES degree_levels(code),   -- NULL: the roster did not say
  major         TEXT NOT NULL DEFAULT '',
  training_mode TEXT NOT NULL DEFAULT '非定向' REFERENCES training_modes(name),
  student_no    TEXT NOT NULL DEFAULT '',
  gender        TEXT NOT NULL CHECK (gender IN ('男', '女')),
  phone         TEXT NOT NULL DEFAULT '',
  email         TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'invalid')),
  import_id     INTEGER REFERENCES imports(id),      -- the import that created it
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  UNIQUE (id_number, cohort)
) STRICT;
CREATE INDEX graduates_school ON graduates(school_code, cohort);
CREATE INDEX graduates_import ON graduates(import_id);
