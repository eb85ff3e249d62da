// Uploaded files (licences, authorisations, later scans and letters), kept in the database. Only
// JPEG and PNG are accepted, recognised by their first bytes whatever the file is called, and at
// most 10 MiB each: the guides ask for jpg, jpeg or png images.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ncss/audit.hpp"
#include "ncss/store.hpp"

namespace ncss {

constexpr std::int64_t kMaxUploadBytes = 10 * 1024 * 1024;

struct UploadedFile {
  std::int64_t id = 0;
  std::string name;        // the file's name as uploaded, without its directory
  std::string media_type;  // image/jpeg or image/png
  std::int64_t size = 0;
  std::string sha256;  // lower-case hex
};

// image/jpeg or image/png for bytes that start like one; nullopt otherwise.
std::optional<std::string> image_media_type(std::string_view bytes);
// What the bytes look like when they are not an accepted image ("a PDF document", "a ZIP
// archive (such as .docx or .xlsx)", "a GIF image", "empty"), or "" when unrecognised.
std::string describe_content(std::string_view bytes);
// SHA-256 of the bytes, lower-case hex.
std::string sha256_hex(std::string_view bytes);

// Reads and checks a file and stores it, recording a file.upload event. Refuses (InvalidInput,
// naming the file) anything that is not a JPEG or PNG by its magic bytes, an empty file and one
// over 10 MiB; (Io) a file that cannot be read.
UploadedFile store_upload(Store& store, const std::filesystem::path& path, const Actor& actor);
std::optional<UploadedFile> find_upload(Store& store, std::int64_t id);

}  // namespace ncss
