-- The signing lifecycle (线上签约): invitations from employers to graduates, the graduate's
-- response, the school's review and the agreement number. States and their transitions are the
-- pure table in core/src/signing_state.cpp; the CHECKs here only keep the data honest.
CREATE TABLE invitations (
  id              INTEGER PRIMARY KEY,
  employer_code   TEXT NOT NULL REFERENCES employers(credit_code),
  graduate_id     INTEGER NOT NULL REFERENCES graduates(id),
  state           TEXT NOT NULL DEFAULT 'awaiting_graduate'
                  CHECK (state IN ('awaiting_graduate', 'awaiting_review', 'signed', 'failed',
                                   'terminating', 'terminated', 'voided', 'invalid')),
  fail_reason     TEXT CHECK (fail_reason IS NULL OR fail_reason IN ('graduate_rejected',
                  'expired', 'school_rejected', 'withdrawn', 'graduate_aborted')),
  -- 拟录用职位类别, 拟录用岗位名称, 工作地点, 签约联系人 and phone
  job_category    TEXT NOT NULL REFERENCES job_categories(code),
  position        TEXT NOT NULL CHECK (length(position) > 0),
  work_location   TEXT NOT NULL DEFAULT '',
  contact         TEXT NOT NULL DEFAULT '',
  contact_phone   TEXT NOT NULL DEFAULT '',
  archive         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(archive)),  -- 档案接收
  hukou           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(hukou)),    -- 户口迁移
  terms           TEXT NOT NULL DEFAULT '',                                -- 补充条款
  valid_days      INTEGER NOT NULL CHECK (valid_days BETWEEN 1 AND 30),   -- 应约有效期
  issued_at       TEXT NOT NULL,
  deadline        TEXT NOT NULL,                                           -- 应约截止时间 (UTC)
  responded_at    TEXT,
  reviewed_at     TEXT,
  reviewed_by     TEXT,
  review_reason   TEXT,
  withdraw_reason TEXT REFERENCES withdrawal_reasons(code),
  agreement_no    TEXT UNIQUE,                                             -- 协议编号, at approval
  snapshot        TEXT CHECK (snapshot IS NULL OR json_valid(snapshot)),   -- frozen at approval
  updated_at      TEXT NOT NULL,
  CHECK ((state = 'failed') = (fail_reason IS NOT NULL))
) STRICT;
-- The sweep finds overdue invitations without scanning the rest.
CREATE INDEX invitations_overdue ON invitations(deadline) WHERE state = 'awaiting_graduate';
CREATE INDEX invitations_graduate ON invitations(graduate_id, state);
CREATE INDEX invitations_employer ON invitations(employer_code, state);

-- Per-school sequence of agreement numbers: never reused, incremented inside the approving
-- transaction so concurrent approvals serialise on it.
CREATE TABLE agreement_sequences (
  school_code TEXT NOT NULL REFERENCES schools(code),
  cohort      INTEGER NOT NULL,
  last        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (school_code, cohort)
) STRICT;

-- Which outbox rows a gateway has taken (outbox export --mark-sent marks them sent).
CREATE INDEX outbox_created ON outbox(created_at);
