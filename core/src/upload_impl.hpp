// Storing an upload inside a use case's transaction, for the use cases that take files
// (verification materials, paper agreements, termination letters).
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <filesystem>

#include "ncss/audit.hpp"
#include "ncss/upload.hpp"

namespace ncss {

// Reads and checks the file (as store_upload does) and inserts it into `files`; records no event
// (the caller's event names the file). Returns the new file's id.
std::int64_t insert_upload(SQLite::Database& db, const std::filesystem::path& path,
                           const Actor& actor);
// As insert_upload, returning what was stored.
UploadedFile insert_upload_file(SQLite::Database& db, const std::filesystem::path& path,
                                const Actor& actor);

}  // namespace ncss
