-- Terminations (解约), voids and the graduate's other registrations: paper agreements
-- (已签纸质就业协议登记), other destinations (其他毕业去向登记), 定向/委培毕业去向补充登记 and
-- offline signing (线下签约). DOMAIN.md "Termination" and "Other registrations".

-- A registration the graduate files and the school reviews. kind:
--   paper        已签纸质就业协议登记: employer and job fields, stamped scans; destination 10
--   destination  其他毕业去向登记: any destination code but 10 by paper/online; proof files
--   targeted     定向/委培毕业去向补充登记: the only kind a 定向/委培 graduate may file
--   offline      线下签约 (2023 graduate guide): content review, printed agreement, stamped scan,
--                scan review; destination 10, counted as signed once approved
-- state:
--   pending        待审核 (offline: the content awaits review)
--   returned       退回修改: returned by the school, or withdrawn by the graduate (撤回修改) to edit
--   awaiting_scan  offline only: content approved; the graduate prints, has it stamped, uploads
--   scan_review    offline only: the stamped scan awaits the school's review
--   approved       审核通过 (a live destination)
--   rejected       审核不通过: void; the graduate enters it again as a new registration
--   voided         已作废: the graduate voided an approved destination (no review), or cancelled
--   terminated     已解约: an approved paper or offline agreement ended by offline termination
--   invalid        失效: the school corrected or removed the graduate's record
CREATE TABLE registrations (
  id            INTEGER PRIMARY KEY,
  graduate_id   INTEGER NOT NULL REFERENCES graduates(id),
  kind          TEXT NOT NULL CHECK (kind IN ('paper', 'destination', 'targeted', 'offline')),
  destination   TEXT NOT NULL REFERENCES destination_codes(code),   -- 毕业去向 code
  subtype       TEXT REFERENCES destination_subtypes(name),         -- the guide's sub-type
  state         TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'returned', 'awaiting_scan', 'scan_review',
                                 'approved', 'rejected', 'voided', 'terminated', 'invalid')),
  fields        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(fields)),  -- what the kind needs
  agreement_no  TEXT UNIQUE,            -- paper and offline agreements, at approval
  submitted_at  TEXT NOT NULL,
  reviewed_at   TEXT,
  reviewed_by   TEXT,
  review_reason TEXT,
  updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX registrations_graduate ON registrations(graduate_id, state);
CREATE INDEX registrations_state ON registrations(state, kind);

CREATE TABLE registration_files (
  registration_id INTEGER NOT NULL REFERENCES registrations(id),
  role            TEXT NOT NULL CHECK (role IN ('scan', 'proof', 'stamped_scan')),
  file_id         INTEGER NOT NULL REFERENCES files(id),
  PRIMARY KEY (registration_id, file_id)
) STRICT;

-- A termination request. mode online: on a signed invitation, requested by one party and
-- answered by the other, then reviewed by the school; offline: on an approved paper or offline
-- agreement (a registration), filed by the graduate with the termination letter and reviewed.
-- phase:
--   awaiting_party   online: the other party has not answered (no time limit; no sweep)
--   awaiting_review  the school's review
--   returned         offline: 退回修改; the graduate edits and resubmits
--   approved         已解约: the signing or registration is terminated
--   failed           解约失败 (fail_reason party_rejected or school_rejected); the agreement stays
CREATE TABLE terminations (
  id              INTEGER PRIMARY KEY,
  mode            TEXT NOT NULL CHECK (mode IN ('online', 'offline')),
  invitation_id   INTEGER REFERENCES invitations(id),
  registration_id INTEGER REFERENCES registrations(id),
  requested_by    TEXT NOT NULL CHECK (requested_by IN ('employer', 'graduate')),
  reason          TEXT NOT NULL REFERENCES termination_reasons(code),
  note            TEXT NOT NULL DEFAULT '',
  phase           TEXT NOT NULL
                  CHECK (phase IN ('awaiting_party', 'awaiting_review', 'returned', 'approved',
                                   'failed')),
  fail_reason     TEXT CHECK (fail_reason IS NULL OR
                              fail_reason IN ('party_rejected', 'school_rejected')),
  requested_at    TEXT NOT NULL,
  responded_at    TEXT,
  responded_by    TEXT,
  reviewed_at     TEXT,
  reviewed_by     TEXT,
  review_reason   TEXT,
  updated_at      TEXT NOT NULL,
  CHECK ((invitation_id IS NULL) <> (registration_id IS NULL)),
  CHECK ((mode = 'online') = (invitation_id IS NOT NULL)),
  CHECK ((phase = 'failed') = (fail_reason IS NOT NULL))
) STRICT;
CREATE INDEX terminations_invitation ON terminations(invitation_id);
CREATE INDEX terminations_registration ON terminations(registration_id);
CREATE INDEX terminations_phase ON terminations(phase);

CREATE TABLE termination_files (
  termination_id INTEGER NOT NULL REFERENCES terminations(id),
  file_id        INTEGER NOT NULL REFERENCES files(id),
  PRIMARY KEY (termination_id, file_id)
) STRICT;

-- The reason a signing was voided (作废) by the school.
ALTER TABLE invitations ADD COLUMN void_reason TEXT;
