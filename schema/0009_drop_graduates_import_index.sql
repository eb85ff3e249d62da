-- graduates_import (schema 0003) indexed graduates.import_id, which no query reads: lists,
-- exports and reports find graduates by school, cohort or ID number, and an import row is never
-- deleted (the only case where SQLite would look children up by import_id). Every roster row
-- paid for it all the same: one more B-tree insert, about a tenth of a million-row import
-- (README "Performance"). The foreign key stays: SQLite checks it through imports' primary key.
DROP INDEX IF EXISTS graduates_import;
