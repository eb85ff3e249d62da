-- Employers (用人单位), their accounts, identity verification, favourites and invitation
-- templates: everything an employer needs before it can invite a graduate.

CREATE TABLE company_sizes (       -- 公司规模, as the platform's registration form offers them
  code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT, ord INTEGER NOT NULL
) STRICT;
INSERT INTO company_sizes (code, name, ord) VALUES
  ('1', '50人以下', 1), ('2', '50-99人', 2), ('3', '100-499人', 3), ('4', '500-999人', 4),
  ('5', '1000-9999人', 5), ('6', '10000人以上', 6);

CREATE TABLE archive_receipt_types (   -- 档案接收类型
  code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT, ord INTEGER NOT NULL
) STRICT;
INSERT INTO archive_receipt_types (code, name, note, ord) VALUES
  ('1', '本单位接收', NULL, 1), ('2', '转寄其他单位', '须填写转寄单位名称、地址', 2),
  ('3', '不接收', '档案转回生源地', 3);

INSERT INTO code_tables (name, title, ord) VALUES
  ('company_size', '公司规模', 10), ('archive_receipt', '档案接收类型', 11);
CREATE VIEW code_list_company_size AS SELECT code, name, note, ord FROM company_sizes;
CREATE VIEW code_list_archive_receipt AS SELECT code, name, note, ord FROM archive_receipt_types;

CREATE TABLE employers (
  credit_code   TEXT PRIMARY KEY CHECK (length(credit_code) = 18),   -- 统一社会信用代码
  name          TEXT NOT NULL UNIQUE CHECK (length(name) > 0),       -- 单位名称
  short_name    TEXT NOT NULL DEFAULT '',                            -- 公司简称
  nature_code   TEXT NOT NULL REFERENCES employer_natures(code),     -- 单位性质
  industry_code TEXT NOT NULL REFERENCES industries(code),           -- 网签所属行业
  size_code     TEXT NOT NULL REFERENCES company_sizes(code),        -- 公司规模
  province      TEXT NOT NULL,
  city          TEXT NOT NULL,
  street        TEXT NOT NULL,
  website       TEXT NOT NULL DEFAULT ''
                CHECK (website = '' OR website LIKE 'http://%' OR website LIKE 'https://%'),
  verification  TEXT NOT NULL DEFAULT 'unverified'
                CHECK (verification IN ('unverified', 'pending', 'verified', 'rejected')),
  verified_at   TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;

-- 单位用户: several per employer.
CREATE TABLE employer_users (
  id          INTEGER PRIMARY KEY,
  credit_code TEXT NOT NULL REFERENCES employers(credit_code),
  real_name   TEXT NOT NULL CHECK (length(real_name) > 0),   -- 真实姓名
  gender      TEXT NOT NULL CHECK (gender IN ('男', '女')),
  department  TEXT NOT NULL DEFAULT '',                      -- 所在部门
  position    TEXT NOT NULL DEFAULT '',                      -- 担任职务
  email       TEXT NOT NULL DEFAULT '',
  work_phone  TEXT NOT NULL DEFAULT '',                      -- 工作电话
  fax         TEXT NOT NULL DEFAULT '',                      -- 传真
  mobile      TEXT NOT NULL DEFAULT '',                      -- 手机 (for SMS)
  disabled    INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  CHECK (work_phone <> '' OR fax <> '')
) STRICT;
CREATE INDEX employer_users_employer ON employer_users(credit_code);

-- Uploaded files (licences, authorisations, later scans and letters), kept in the database.
CREATE TABLE files (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  media_type TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png')),
  size       INTEGER NOT NULL CHECK (size > 0 AND size <= 10485760),
  sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
  content    BLOB NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- 身份认证 attempts. method remittance: account/bank/amount/tries; materials: files, staff
-- decision. Only the latest attempt of an employer counts.
CREATE TABLE verifications (
  id          INTEGER PRIMARY KEY,
  credit_code TEXT NOT NULL REFERENCES employers(credit_code),
  method      TEXT NOT NULL CHECK (method IN ('remittance', 'materials')),
  status      TEXT NOT NULL CHECK (status IN ('awaiting_amount', 'locked', 'pending', 'verified',
                                              'rejected', 'superseded')),
  account     TEXT,            -- 对公账号, never changed once submitted
  bank        TEXT,            -- 开户银行
  amount_fen  INTEGER CHECK (amount_fen IS NULL OR amount_fen BETWEEN 1 AND 999),
  wrong_tries INTEGER NOT NULL DEFAULT 0,
  reason      TEXT,            -- staff's reason on rejection
  decided_by  TEXT,
  decided_at  TEXT,
  created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX verifications_employer ON verifications(credit_code, id);

CREATE TABLE verification_files (
  verification_id INTEGER NOT NULL REFERENCES verifications(id),
  role            TEXT NOT NULL CHECK (role IN ('licence', 'authorisation', 'extra')),
  file_id         INTEGER NOT NULL REFERENCES files(id),
  PRIMARY KEY (verification_id, file_id)
) STRICT;

-- 学生收藏夹: immutable; remove and add again to fix one.
CREATE TABLE favorites (
  id          INTEGER PRIMARY KEY,
  credit_code TEXT NOT NULL REFERENCES employers(credit_code),
  graduate_id INTEGER NOT NULL REFERENCES graduates(id),
  cohort      INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'invalid')),
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  UNIQUE (credit_code, graduate_id)
) STRICT;
CREATE INDEX favorites_graduate ON favorites(graduate_id);

-- 邀请函信息管理: named job, archive and hukou templates per employer; the current content is
-- in `fields` (JSON) and every version is kept in invite_template_history.
CREATE TABLE invite_templates (
  id          INTEGER PRIMARY KEY,
  credit_code TEXT NOT NULL REFERENCES employers(credit_code),
  kind        TEXT NOT NULL CHECK (kind IN ('job', 'archive', 'hukou')),
  name        TEXT NOT NULL CHECK (length(name) > 0),
  fields      TEXT NOT NULL CHECK (json_valid(fields)),
  is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  removed     INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX invite_templates_name ON invite_templates(credit_code, kind, name)
  WHERE removed = 0;

CREATE TABLE invite_template_history (
  id          INTEGER PRIMARY KEY,
  template_id INTEGER NOT NULL REFERENCES invite_templates(id),
  version     INTEGER NOT NULL,
  fields      TEXT NOT NULL CHECK (json_valid(fields)),
  action      TEXT NOT NULL CHECK (action IN ('add', 'edit', 'remove')),
  actor       TEXT NOT NULL,
  at          TEXT NOT NULL,
  UNIQUE (template_id, version)
) STRICT;
