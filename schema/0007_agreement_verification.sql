-- Verification codes of electronic agreements (issue 7). Each agreement carries an HMAC-SHA256
-- over a canonical serialisation of its content (core/src/agreement_verify.cpp), keyed by this
-- database's own secret, made here from SQLite's randomblob (its ChaCha20 generator, seeded from
-- the operating system) when the database is created or upgraded. The secret never leaves the
-- database: a copy of the file verifies, a forged PDF cannot.
CREATE TABLE secrets (
  name  TEXT PRIMARY KEY,
  value BLOB NOT NULL CHECK (length(value) >= 32)
) STRICT;
INSERT INTO secrets (name, value) VALUES ('agreement_hmac', randomblob(32));

-- The code is fixed when the school approves (the content is frozen then); agreements approved
-- before this migration get theirs in the same upgrade (Store::migrate's step for version 7).
ALTER TABLE invitations ADD COLUMN verification_code TEXT;
CREATE UNIQUE INDEX invitations_verification_code ON invitations (verification_code)
  WHERE verification_code IS NOT NULL;
