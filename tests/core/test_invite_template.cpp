#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "ncss/error.hpp"
#include "ncss/invite_template.hpp"

namespace {

const std::string kA = "91110108749352307A";
const std::string kB = "91110108MA01ABCD2X";

struct TemplateFixture : testkit::StoreFixture {
  TemplateFixture() {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec(
        testkit::employers_sql({{kA, "甲公司"}, {kB, "乙公司", false, "北京市", "北京市", "y"}}));
  }
  int count(const std::string& sql) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt();
  }
  ncss::ErrorCode error_of(const std::function<void()>& fn, std::string* msg = nullptr) {
    try {
      fn();
    } catch (const ncss::Error& e) {
      if (msg) *msg = e.what();
      return e.code();
    }
    FAIL("no error");
    return ncss::ErrorCode::Internal;
  }
};

}  // namespace

TEST_CASE("template: add, edit and history keep every version", "[template]") {
  TemplateFixture f;
  auto t = ncss::add_template(f.store, kA, "job", "研发岗",
                              {{"job_category", "公务员"},
                               {"position", "软件工程师"},
                               {"contact", "张经理"},
                               {"contact_phone", "010-62751234"}},
                              false, f.actor);
  CHECK(t.fields.at("job_category") == "10");
  CHECK(t.version == 1);
  auto e = ncss::edit_template(f.store, kA, "job", "研发岗", {{"position", "算法工程师"}}, false,
                               f.actor);
  CHECK(e.version == 2);
  CHECK(e.fields.at("position") == "算法工程师");
  CHECK(e.fields.at("contact_phone") == "010-62751234");
  // An edit that changes nothing adds no version.
  CHECK(ncss::edit_template(f.store, kA, "job", "研发岗", {{"position", "算法工程师"}}, false,
                            f.actor)
            .version == 2);
  auto h = ncss::template_history(f.store, kA, "job", "研发岗");
  REQUIRE(h.size() == 2);
  CHECK(h[0].action == "add");
  CHECK(h[0].fields.at("position") == "软件工程师");
  CHECK(h[1].action == "edit");
  CHECK(h[1].actor == "tester");
  CHECK(f.count("SELECT count(*) FROM events WHERE action = 'template.edit'") == 1);
  ncss::remove_template(f.store, kA, "job", "研发岗", f.actor);
  CHECK(ncss::list_templates(f.store, kA).empty());
  CHECK(ncss::template_history(f.store, kA, "job", "研发岗").back().action == "remove");
}

TEST_CASE("template: refusals write nothing", "[template]") {
  TemplateFixture f;
  ncss::add_template(f.store, kA, "hukou", "集体户", {{"address", "北京市海淀区"}}, false, f.actor);
  std::string msg;
  auto add = [&](const std::string& kind, const ncss::TemplateFields& fields,
                 const std::string& name = "x") {
    return f.error_of([&] { ncss::add_template(f.store, kA, kind, name, fields, false, f.actor); },
                      &msg);
  };
  CHECK(add("hukou", {{"address", "另一个"}}, "集体户") == ncss::ErrorCode::Conflict);
  CHECK(add("job", {{"position", "工程师"}, {"contact", "张经理"}}) ==
        ncss::ErrorCode::InvalidInput);  // no category
  CHECK(add("job", {{"job_category", "99x"}, {"position", "p"}, {"contact", "张经理"}}) ==
        ncss::ErrorCode::InvalidInput);
  CHECK(add("job", {{"job_category", "10"},
                    {"position", "p"},
                    {"contact", "张经理"},
                    {"contact_phone", "12ab"}}) == ncss::ErrorCode::InvalidInput);
  // A bare number from 1 is a mobile number: ten digits is one short, and the message masks it.
  CHECK(add("job", {{"job_category", "10"},
                    {"position", "p"},
                    {"contact", "张经理"},
                    {"contact_phone", "1381234567"}}) == ncss::ErrorCode::InvalidInput);
  CHECK(msg.find("1381234567") == std::string::npos);
  CHECK(msg.find("must be a mobile number") != std::string::npos);
  // 200 characters are counted as characters: 201 ASCII letters are too many, 200 汉字 are not.
  CHECK(add("job",
            {{"job_category", "10"}, {"position", std::string(201, 'p')}, {"contact", "张经理"}}) ==
        ncss::ErrorCode::InvalidInput);
  CHECK(add("archive", {{"receipt_type", "2"}, {"forward_unit", "某单位"}}) ==
        ncss::ErrorCode::InvalidInput);
  CHECK(msg.find("转寄其他单位") != std::string::npos);
  CHECK(add("archive", {{"receipt_type", "1"}, {"postcode", "10008"}}) ==
        ncss::ErrorCode::InvalidInput);
  CHECK(add("hukou", {{"postcode", "100080"}, {"address", "a"}}) == ncss::ErrorCode::InvalidInput);
  CHECK(add("visa", {{"address", "a"}}) == ncss::ErrorCode::InvalidInput);
  CHECK(f.count("SELECT count(*) FROM invite_templates") == 1);
  CHECK(f.count("SELECT count(*) FROM invite_template_history") == 1);
  std::string long_position;
  for (int i = 0; i < 200; ++i) long_position += "岗";
  ncss::add_template(f.store, kA, "job", "长",
                     {{"job_category", "10"}, {"position", long_position}, {"contact", "张经理"}},
                     false, f.actor);
  ncss::add_template(f.store, kA, "job", "座机",
                     {{"job_category", "10"},
                      {"position", "p"},
                      {"contact", "张经理"},
                      {"contact_phone", "62751234"}},
                     false, f.actor);
  CHECK(f.count("SELECT count(*) FROM invite_templates") == 3);
}

TEST_CASE("template: 签约联系人 is required, and an edit cannot clear it", "[template]") {
  TemplateFixture f;
  std::string msg;
  CHECK(f.error_of(
            [&] {
              ncss::add_template(f.store, kA, "job", "研发岗",
                                 {{"job_category", "13"}, {"position", "p"}}, false, f.actor);
            },
            &msg) == ncss::ErrorCode::InvalidInput);
  CHECK(msg == "签约联系人 (--contact) is required for a job template");
  CHECK(f.count("SELECT count(*) FROM invite_templates") == 0);
  ncss::add_template(f.store, kA, "job", "研发岗",
                     {{"job_category", "13"}, {"position", "p"}, {"contact", "张经理"}}, false,
                     f.actor);
  for (const char* blank : {"", " ", "\u3000"}) {
    CHECK(f.error_of(
              [&] {
                ncss::edit_template(f.store, kA, "job", "研发岗", {{"contact", blank}}, false,
                                    f.actor);
              },
              &msg) == ncss::ErrorCode::InvalidInput);
    CHECK(msg ==
          "签约联系人 (--contact) is required for a job template and cannot be cleared; give a new "
          "value instead");
  }
  // So are the other required fields, of every kind.
  CHECK(f.error_of([&] {
    ncss::edit_template(f.store, kA, "job", "研发岗", {{"position", ""}}, false, f.actor);
  }) == ncss::ErrorCode::InvalidInput);
  CHECK(ncss::get_template(f.store, kA, "job", "研发岗").fields.at("contact") == "张经理");
  CHECK(ncss::template_history(f.store, kA, "job", "研发岗").size() == 1);
}

TEST_CASE("template: another employer can neither see nor edit it", "[template]") {
  TemplateFixture f;
  ncss::add_template(f.store, kA, "hukou", "集体户", {{"address", "北京市海淀区"}}, false, f.actor);
  CHECK(f.error_of([&] {
    ncss::edit_template(f.store, kB, "hukou", "集体户", {{"address", "改"}}, false, f.actor);
  }) == ncss::ErrorCode::NotFound);
  CHECK(f.error_of([&] { ncss::get_template(f.store, kB, "hukou", "集体户"); }) ==
        ncss::ErrorCode::NotFound);
  CHECK(ncss::list_templates(f.store, kB).empty());
  CHECK(ncss::get_template(f.store, kA, "hukou", "集体户").fields.at("address") == "北京市海淀区");
  // B may use the same name for its own.
  ncss::add_template(f.store, kB, "hukou", "集体户", {{"address", "深圳"}}, false, f.actor);
}

TEST_CASE("template: one default per kind, the first typed info becomes the default",
          "[template]") {
  TemplateFixture f;
  CHECK_FALSE(ncss::default_template(f.store, kA, "archive"));
  CHECK(ncss::save_first_as_default(f.store, kA, "archive", {{"receipt_type", "1"}}, f.actor));
  auto d = ncss::default_template(f.store, kA, "archive");
  REQUIRE(d);
  CHECK(d->name == "默认");
  CHECK_FALSE(
      ncss::save_first_as_default(f.store, kA, "archive", {{"receipt_type", "3"}}, f.actor));
  ncss::add_template(
      f.store, kA, "archive", "转寄",
      {{"receipt_type", "转寄其他单位"}, {"forward_unit", "人才中心"}, {"address", "北京市"}}, true,
      f.actor);
  CHECK(ncss::default_template(f.store, kA, "archive")->name == "转寄");
  CHECK_FALSE(ncss::get_template(f.store, kA, "archive", "默认").is_default);
  auto h = ncss::template_history(f.store, kA, "archive", "默认");
  REQUIRE(h.size() == 2);
  CHECK(h[0].is_default);
  CHECK_FALSE(h[1].is_default);
  CHECK(f.count("SELECT count(*) FROM invite_templates WHERE is_default = 1") == 1);
}
