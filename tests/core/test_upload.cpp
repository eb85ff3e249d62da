#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "ncss/error.hpp"
#include "ncss/upload.hpp"
#include "store_impl.hpp"
#include "upload_impl.hpp"

namespace {

const std::string kPngHead("\x89PNG\r\n\x1A\n", 8);

using testkit::contains;

int count(testkit::StoreFixture& f, const std::string& sql) {
  return ncss::database(f.store).execAndGet(sql).getInt();
}

ncss::ErrorCode code_of(const std::function<void()>& fn, std::string& message) {
  try {
    fn();
  } catch (const ncss::Error& e) {
    message = e.what();
    return e.code();
  }
  FAIL("no error");
  return ncss::ErrorCode::Internal;
}

}  // namespace

TEST_CASE("upload: media type is decided by magic bytes", "[verify][upload]") {
  CHECK(ncss::image_media_type("\xFF\xD8\xFF\xE0rest") == "image/jpeg");
  CHECK(ncss::image_media_type(kPngHead + "IHDR") == "image/png");
  CHECK_FALSE(ncss::image_media_type("%PDF-1.4"));
  CHECK_FALSE(ncss::image_media_type(std::string("\x89PNG", 4)));  // too short to be sure
  CHECK(ncss::describe_content("%PDF-1.4\n") == "a PDF document");
  CHECK(contains(ncss::describe_content("PK\x03\x04...."), "ZIP"));
  CHECK(ncss::describe_content("GIF89a....") == "a GIF image");
  CHECK(ncss::describe_content("") == "empty");
  CHECK(ncss::describe_content("hello") == "");
}

TEST_CASE("upload: SHA-256 of known inputs", "[verify][upload]") {
  CHECK(ncss::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(ncss::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("upload: a PNG is stored with name, size, hash and content", "[verify][upload]") {
  testkit::StoreFixture f;
  auto path = testkit::source_dir() / "samples/files/licence.png";
  auto bytes = testkit::read_file(path);
  auto u = ncss::store_upload(f.store, path, f.actor);
  CHECK(u.id > 0);
  CHECK(u.name == "licence.png");
  CHECK(u.media_type == "image/png");
  CHECK(u.size == static_cast<std::int64_t>(bytes.size()));
  CHECK(u.sha256 == ncss::sha256_hex(bytes));
  auto found = ncss::find_upload(f.store, u.id);
  REQUIRE(found);
  CHECK(found->sha256 == u.sha256);
  SQLite::Statement q(ncss::database(f.store), "SELECT content FROM files WHERE id = :id");
  q.bind(":id", static_cast<int64_t>(u.id));
  REQUIRE(q.executeStep());
  auto blob = q.getColumn(0);
  CHECK(std::string(static_cast<const char*>(blob.getBlob()), blob.getBytes()) == bytes);
  CHECK(count(f, "SELECT count(*) FROM events WHERE action = 'file.upload'") == 1);
  CHECK_FALSE(ncss::find_upload(f.store, u.id + 100));
}

TEST_CASE("upload: a JPEG named .png is accepted as a JPEG", "[verify][upload]") {
  testkit::StoreFixture f;
  auto path = f.dir / "scan.png";
  testkit::write_file(
      path, testkit::read_file(testkit::source_dir() / "samples/files/authorisation.jpg"));
  CHECK(ncss::store_upload(f.store, path, f.actor).media_type == "image/jpeg");
}

TEST_CASE("upload: refusals name the file and store nothing", "[verify][upload]") {
  testkit::StoreFixture f;
  std::string message;
  SECTION("a PDF named .png") {
    auto path = f.dir / "x.png";
    testkit::write_file(path, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n");
    CHECK(code_of([&] { ncss::store_upload(f.store, path, f.actor); }, message) ==
          ncss::ErrorCode::InvalidInput);
    CHECK(contains(message, path.string()));
    CHECK(contains(message, "not a JPEG or PNG image (it is a PDF document)"));
  }
  SECTION("a GIF") {
    auto path = f.dir / "seal.jpg";
    testkit::write_file(path, "GIF89a\x01\x00\x01\x00");
    CHECK(code_of([&] { ncss::store_upload(f.store, path, f.actor); }, message) ==
          ncss::ErrorCode::InvalidInput);
    CHECK(contains(message, "a GIF image"));
  }
  SECTION("an empty file") {
    auto path = f.dir / "empty.png";
    testkit::write_file(path, "");
    CHECK(code_of([&] { ncss::store_upload(f.store, path, f.actor); }, message) ==
          ncss::ErrorCode::InvalidInput);
    CHECK(contains(message, "empty"));
  }
  SECTION("a file over 10 MiB") {
    auto path = f.dir / "big.png";
    testkit::write_file(path, kPngHead + std::string(ncss::kMaxUploadBytes, '\0'));
    CHECK(code_of([&] { ncss::store_upload(f.store, path, f.actor); }, message) ==
          ncss::ErrorCode::InvalidInput);
    CHECK(contains(message, "big.png"));
    CHECK(contains(message, "10 MiB"));
  }
  SECTION("exactly 10 MiB is accepted") {
    auto path = f.dir / "edge.png";
    testkit::write_file(path, kPngHead + std::string(ncss::kMaxUploadBytes - 8, '\0'));
    CHECK(ncss::store_upload(f.store, path, f.actor).size == ncss::kMaxUploadBytes);
    return;
  }
  SECTION("a missing file") {
    auto path = f.dir / "missing.png";
    CHECK(code_of([&] { ncss::store_upload(f.store, path, f.actor); }, message) ==
          ncss::ErrorCode::Io);
    CHECK(contains(message, "missing.png"));
  }
  SECTION("a directory") {
    CHECK(code_of([&] { ncss::store_upload(f.store, f.dir.path(), f.actor); }, message) ==
          ncss::ErrorCode::Io);
  }
  CHECK(count(f, "SELECT count(*) FROM files") == 0);
  CHECK(count(f, "SELECT count(*) FROM events WHERE action = 'file.upload'") == 0);
}

TEST_CASE("upload: insert_upload joins the caller's transaction", "[verify][upload]") {
  testkit::StoreFixture f;
  auto& db = ncss::database(f.store);
  {
    SQLite::Transaction tx(db);
    auto id = ncss::insert_upload(db, testkit::source_dir() / "samples/files/licence.png", f.actor);
    CHECK(id > 0);
    // Not committed: rolled back with the caller's transaction.
  }
  CHECK(count(f, "SELECT count(*) FROM files") == 0);
}
