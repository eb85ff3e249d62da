-- Foundation: code tables, the school list, the audit trail and the notification outbox.
-- Times are stored as UTC text, 'YYYY-MM-DDTHH:MM:SSZ'.

-- The catalogue of code tables: `ncssctl codes` lists these. Each code table is a plain table
-- (code, name, note, ord) so that domain tables can reference it with a foreign key.
CREATE TABLE code_tables (
  name   TEXT PRIMARY KEY,          -- machine name used on the command line
  title  TEXT NOT NULL,            -- Chinese title as the platform shows it
  ord    INTEGER NOT NULL
) STRICT;

CREATE TABLE destination_codes (
  code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT, ord INTEGER NOT NULL
) STRICT;
CREATE TABLE destination_subtypes (   -- the graduate guide's sub-types and the code they count as
  code TEXT NOT NULL REFERENCES destination_codes(code),
  name TEXT PRIMARY KEY, note TEXT, ord INTEGER NOT NULL
) STRICT;
CREATE TABLE employer_natures (
  code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT, ord INTEGER NOT NULL
) STRICT;
CREATE TABLE degree_levels (          -- note: the word a roster uses (本科)
  code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT NOT NULL UNIQUE, ord INTEGER NOT NULL
) STRICT;
CREATE TABLE training_modes (
  code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT, ord INTEGER NOT NULL
) STRICT;
CREATE TABLE job_categories (
  code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT, ord INTEGER NOT NULL
) STRICT;
CREATE TABLE industries (
  code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT, ord INTEGER NOT NULL
) STRICT;
CREATE TABLE termination_reasons (
  code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT, ord INTEGER NOT NULL
) STRICT;
CREATE TABLE withdrawal_reasons (
  code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT, ord INTEGER NOT NULL
) STRICT;

-- One view per listed table, all of the same shape, named code_list_<name>.
INSERT INTO code_tables (name, title, ord) VALUES
  ('destination',         '毕业去向',               1),
  ('destination_subtype', '毕业去向子类型',         2),
  ('employer_nature',     '单位性质',               3),
  ('degree_level',        '学历层次',               4),
  ('training_mode',       '培养方式',               5),
  ('job_category',        '拟录用职位类别',         6),
  ('industry',            '网签所属行业',           7),
  ('termination_reason',  '解约原因',               8),
  ('withdrawal_reason',   '撤回签约原因',           9);

CREATE VIEW code_list_destination AS SELECT code, name, note, ord FROM destination_codes;
CREATE VIEW code_list_destination_subtype AS
  SELECT s.code, s.name, d.name AS note, s.ord FROM destination_subtypes s
  JOIN destination_codes d ON d.code = s.code;
CREATE VIEW code_list_employer_nature AS SELECT code, name, note, ord FROM employer_natures;
CREATE VIEW code_list_degree_level AS SELECT code, name, note, ord FROM degree_levels;
CREATE VIEW code_list_training_mode AS SELECT code, name, note, ord FROM training_modes;
CREATE VIEW code_list_job_category AS SELECT code, name, note, ord FROM job_categories;
CREATE VIEW code_list_industry AS SELECT code, name, note, ord FROM industries;
CREATE VIEW code_list_termination_reason AS SELECT code, name, note, ord FROM termination_reasons;
CREATE VIEW code_list_withdrawal_reason AS SELECT code, name, note, ord FROM withdrawal_reasons;

INSERT INTO destination_codes (code, name, note, ord) VALUES
  ('10', '签就业协议形式就业', '单位就业', 1),
  ('11', '签劳动合同形式就业', '单位就业', 2),
  ('12', '其他录用形式就业', '单位就业', 3),
  ('27', '科研助理、管理助理', '单位就业', 4),
  ('46', '应征义务兵', '单位就业', 5),
  ('50', '国家基层项目', '单位就业', 6),
  ('51', '地方基层项目', '单位就业', 7),
  ('75', '自主创业', '自主创业', 8),
  ('76', '自由职业', '自由职业', 9),
  ('80', '境内升学', '升学', 10),
  ('85', '境外留学', '升学', 11),
  ('70', '待就业', '未就业', 12),
  ('71', '不就业拟升学', '未就业', 13),
  ('72', '其他暂不就业', '未就业', 14);

INSERT INTO destination_subtypes (code, name, ord) VALUES
  ('10', '公招接收函', 1), ('10', '士官', 2), ('10', '医学规培', 3), ('10', '国际组织任职', 4),
  ('10', '出国出境工作', 5), ('12', '聘用证明', 6), ('27', '博士后入站', 7),
  ('50', '特岗教师', 8), ('50', '三支一扶', 9), ('50', '西部计划', 10),
  ('51', '选调生', 11), ('51', '农技特岗', 12), ('51', '乡村医生', 13), ('51', '乡村教师', 14),
  ('80', '专升本', 15), ('80', '考研', 16), ('80', '第二学士学位', 17),
  ('85', '出国出境深造', 18);

INSERT INTO employer_natures (code, name, note, ord) VALUES
  ('10', '机关', NULL, 1), ('20', '科研设计单位', NULL, 2), ('21', '高等教育单位', NULL, 3),
  ('22', '中初教育单位', NULL, 4), ('23', '医疗卫生单位', NULL, 5), ('29', '其他事业单位', NULL, 6),
  ('31', '国有企业', NULL, 7), ('32', '三资企业', NULL, 8), ('33', '个体工商户', NULL, 9),
  ('39', '其他企业', '民营企业选此项', 10), ('40', '部队', NULL, 11), ('55', '农村建制村', NULL, 12),
  ('56', '城镇社区', NULL, 13), ('99', '其他', NULL, 14);

INSERT INTO degree_levels (code, name, note, ord) VALUES
  ('01', '博士生', '博士', 1), ('11', '硕士生', '硕士', 2), ('31', '本科生', '本科', 3),
  ('41', '专科生', '专科', 4);

-- No national codes are published for training modes: 1/2/3 are this project's.
INSERT INTO training_modes (code, name, note, ord) VALUES
  ('1', '非定向', '可线上签约', 1), ('2', '定向', '仅可定向/委培毕业去向补充登记', 2),
  ('3', '委培', '仅可定向/委培毕业去向补充登记', 3);

INSERT INTO job_categories (code, name, ord) VALUES
  ('10', '公务员', 1), ('11', '科学研究人员', 2), ('13', '工程技术人员', 3),
  ('17', '农林牧渔业技术人员', 4), ('19', '卫生专业技术人员', 5), ('21', '经济业务人员', 6),
  ('22', '金融业务人员', 7), ('23', '法律专业人员', 8), ('24', '教学人员', 9),
  ('25', '文学艺术工作人员', 10), ('26', '体育工作人员', 11), ('27', '新闻出版和文化工作人员', 12),
  ('29', '其他专业技术人员', 13), ('30', '办事人员和有关人员', 14), ('40', '商业和服务业人员', 15),
  ('60', '生产和运输设备操作人员', 16), ('80', '军人', 17), ('90', '其他人员', 18);

INSERT INTO industries (code, name, ord) VALUES
  ('A', '农、林、牧、渔业', 1), ('B', '采矿业', 2), ('C', '制造业', 3),
  ('D', '电力、热力、燃气及水生产和供应业', 4), ('E', '建筑业', 5), ('F', '批发和零售业', 6),
  ('G', '交通运输、仓储和邮政业', 7), ('H', '住宿和餐饮业', 8),
  ('I', '信息传输、软件和信息技术服务业', 9), ('J', '金融业', 10), ('K', '房地产业', 11),
  ('L', '租赁和商务服务业', 12), ('M', '科学研究和技术服务业', 13),
  ('N', '水利、环境和公共设施管理业', 14), ('O', '居民服务、修理和其他服务业', 15),
  ('P', '教育', 16), ('Q', '卫生和社会工作', 17), ('R', '文化、体育和娱乐业', 18),
  ('S', '公共管理、社会保障和社会组织', 19), ('T', '国际组织', 20);

-- No official reason lists are published (DOMAIN.md): the codes are this project's.
INSERT INTO termination_reasons (code, name, ord) VALUES
  ('01', '协商一致', 1), ('02', '升学', 2), ('03', '考取公务员或事业单位', 3), ('04', '个人发展', 4),
  ('05', '单位原因', 5), ('06', '家庭原因', 6), ('99', '其他', 7);

INSERT INTO withdrawal_reasons (code, name, ord) VALUES
  ('01', '信息填写有误', 1), ('02', '岗位调整', 2), ('03', '与学生协商一致', 3), ('99', '其他', 4);

-- Institutions: the Ministry of Education's 2025 list (seeded by migration 0002) and any added
-- with `ncssctl school add`.
CREATE TABLE schools (
  code       TEXT PRIMARY KEY CHECK (length(code) = 5 AND code NOT GLOB '*[^0-9]*'),
  moe_id     TEXT UNIQUE CHECK (moe_id IS NULL OR (length(moe_id) = 10 AND moe_id NOT GLOB '*[^0-9]*')),
  name       TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
  authority  TEXT NOT NULL DEFAULT '',
  province   TEXT NOT NULL DEFAULT '',
  city       TEXT NOT NULL DEFAULT '',
  level      TEXT NOT NULL CHECK (level IN ('本科', '专科', '成人', '其他')),
  source     TEXT NOT NULL CHECK (source IN ('moe-2025', 'added')),
  added_at   TEXT,
  added_by   TEXT
) STRICT;

-- Former names, so that a roster using an old name still finds its school.
CREATE TABLE school_aliases (
  name        TEXT PRIMARY KEY,
  school_code TEXT NOT NULL REFERENCES schools(code)
) STRICT;
CREATE INDEX school_aliases_school ON school_aliases(school_code);

-- The audit trail: every change is one row. who (actor), what (action), when (at), why (reason),
-- on what (subject_type, subject_id), and the details (JSON: old and new values, counts, ...).
CREATE TABLE events (
  id           INTEGER PRIMARY KEY,
  at           TEXT NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_id   TEXT NOT NULL,
  reason       TEXT,
  details      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
) STRICT;
CREATE INDEX events_subject ON events(subject_type, subject_id, id);
CREATE INDEX events_at ON events(at);

-- Messages the platform would send (SMS, WeChat), drained by a gateway. Each row comes from an
-- event, so the outbox and the audit trail never disagree.
CREATE TABLE outbox (
  id             INTEGER PRIMARY KEY,
  event_id       INTEGER NOT NULL REFERENCES events(id),
  created_at     TEXT NOT NULL,
  channel        TEXT NOT NULL CHECK (channel IN ('sms', 'wechat', 'email')),
  recipient_type TEXT NOT NULL CHECK (recipient_type IN ('graduate', 'employer', 'school')),
  recipient_id   TEXT NOT NULL,
  template       TEXT NOT NULL,
  payload        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
  status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts       INTEGER NOT NULL DEFAULT 0,
  sent_at        TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox(status, id);
CREATE INDEX outbox_event ON outbox(event_id);
