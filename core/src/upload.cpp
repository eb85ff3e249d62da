#include "ncss/upload.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "audit_impl.hpp"
#include "store_impl.hpp"
#include "upload_impl.hpp"

namespace ncss {

namespace {

bool starts_with(std::string_view bytes, std::string_view prefix) {
  return bytes.substr(0, prefix.size()) == prefix;
}

std::string human_size(std::int64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1024.0 * 1024.0));
  return buf;
}

struct CheckedFile {
  std::string name;
  std::string media_type;
  std::string bytes;
};

// Reads and checks one file. The size is checked before the content is read, so a huge file
// is refused without being loaded.
CheckedFile read_checked(const std::filesystem::path& path) {
  const std::string shown = path.string();
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    throw Error::io("cannot read " + shown + ": no such file", ENOENT);
  }
  if (!std::filesystem::is_regular_file(status)) {
    throw Error::io("cannot read " + shown + ": not a regular file");
  }
  auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error::io("cannot read " + shown + ": " + ec.message(), ec.value());
  if (size > static_cast<std::uintmax_t>(kMaxUploadBytes)) {
    throw Error::invalid_input(shown + ": " + human_size(static_cast<std::int64_t>(size)) +
                               " is over the 10 MiB limit for an uploaded file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error::io("cannot read " + shown + ": " + std::strerror(errno), errno);
  CheckedFile f;
  f.bytes.resize(size);
  if (size > 0 && !in.read(f.bytes.data(), static_cast<std::streamsize>(size))) {
    throw Error::io("cannot read " + shown + ": read failed");
  }
  if (f.bytes.empty()) {
    throw Error::invalid_input(shown + ": the file is empty; upload a JPEG or PNG image");
  }
  auto type = image_media_type(f.bytes);
  if (!type) {
    auto looks = describe_content(f.bytes);
    throw Error::invalid_input(shown + ": not a JPEG or PNG image" +
                               (looks.empty() ? "" : " (it is " + looks + ")") +
                               "; only jpg, jpeg and png images are accepted, whatever the "
                               "file is called");
  }
  f.media_type = *type;
  f.name = path.filename().string();
  return f;
}

}  // namespace

std::optional<std::string> image_media_type(std::string_view bytes) {
  if (starts_with(bytes, "\xFF\xD8\xFF")) return "image/jpeg";
  if (starts_with(bytes, std::string_view("\x89PNG\r\n\x1A\n", 8))) return "image/png";
  return std::nullopt;
}

std::string describe_content(std::string_view bytes) {
  if (bytes.empty()) return "empty";
  if (starts_with(bytes, "%PDF")) return "a PDF document";
  if (starts_with(bytes, "PK\x03\x04") || starts_with(bytes, "PK\x05\x06")) {
    return "a ZIP archive, such as .docx or .xlsx";
  }
  if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return "a GIF image";
  if (starts_with(bytes, "BM")) return "a BMP image";
  if (bytes.size() >= 12 && starts_with(bytes, "RIFF") && bytes.substr(8, 4) == "WEBP") {
    return "a WebP image";
  }
  if (starts_with(bytes, "II*") || starts_with(bytes, "MM\0*")) return "a TIFF image";
  if (starts_with(bytes, "\xD0\xCF\x11\xE0")) return "a legacy Office document (.doc, .xls)";
  return "";
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw Error::internal("SHA-256 failed");
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

UploadedFile insert_upload_file(SQLite::Database& db, const std::filesystem::path& path,
                                const Actor& actor) {
  auto f = read_checked(path);
  UploadedFile u;
  u.name = f.name;
  u.media_type = f.media_type;
  u.size = static_cast<std::int64_t>(f.bytes.size());
  u.sha256 = sha256_hex(f.bytes);
  SQLite::Statement insert(db,
                           "INSERT INTO files (name, media_type, size, sha256, content, "
                           "created_at) VALUES (:name, :type, :size, :sha, :content, :at)");
  insert.bind(":name", u.name);
  insert.bind(":type", u.media_type);
  insert.bind(":size", static_cast<int64_t>(u.size));
  insert.bind(":sha", u.sha256);
  insert.bind(":content", f.bytes.data(), static_cast<int>(f.bytes.size()));
  insert.bind(":at", format_utc(actor.now));
  insert.exec();
  u.id = db.getLastInsertRowid();
  return u;
}

std::int64_t insert_upload(SQLite::Database& db, const std::filesystem::path& path,
                           const Actor& actor) {
  return insert_upload_file(db, path, actor).id;
}

UploadedFile store_upload(Store& store, const std::filesystem::path& path, const Actor& actor) {
  return with_storage_errors([&] {
    auto& db = database(store);
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    auto u = insert_upload_file(db, path, actor);
    AuditWriter audit(db, actor);
    audit.event(
        "file.upload", "file", std::to_string(u.id), "",
        {{"name", u.name}, {"media_type", u.media_type}, {"size", u.size}, {"sha256", u.sha256}});
    tx.commit();
    return u;
  });
}

std::optional<UploadedFile> find_upload(Store& store, std::int64_t id) {
  return with_storage_errors([&]() -> std::optional<UploadedFile> {
    SQLite::Statement q(database(store),
                        "SELECT id, name, media_type, size, sha256 FROM files WHERE id = :id");
    q.bind(":id", static_cast<int64_t>(id));
    if (!q.executeStep()) return std::nullopt;
    return UploadedFile{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                        q.getColumn(2).getString(), q.getColumn(3).getInt64(),
                        q.getColumn(4).getString()};
  });
}

}  // namespace ncss
