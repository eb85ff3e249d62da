// Writing .xlsx packages for tests: parts given as bytes or streamed (a part of gigabytes
// generated while it is deflated, never held in memory), minimal workbooks around sheet XML.
#pragma once

#include <zip.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace xlsxkit {

// A zip part: its name and bytes, or a generator of `size` bytes for big streamed parts.
struct Part {
  std::string name;
  std::string bytes;
  bool store = false;  // no compression
};

// Produces head + `count` copies of `unit` + tail without holding them in memory.
struct StreamedPart {
  std::string head, unit, tail;
  std::uint64_t count = 0;
  std::uint64_t position = 0;

  std::uint64_t size() const { return head.size() + unit.size() * count + tail.size(); }
  // Copies up to `len` bytes from `position` without crossing a piece boundary.
  std::size_t copy(char* out, std::size_t len) const {
    std::uint64_t i = position;
    const std::string* piece = &tail;
    if (i < head.size()) {
      piece = &head;
    } else if ((i -= head.size()) < unit.size() * count) {
      piece = &unit;
      i %= unit.size();
    } else {
      i -= unit.size() * count;
    }
    std::size_t n = std::min<std::size_t>(len, piece->size() - i);
    std::memcpy(out, piece->data() + i, n);
    return n;
  }

  static zip_int64_t callback(void* user, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto* self = static_cast<StreamedPart*>(user);
    switch (cmd) {
      case ZIP_SOURCE_OPEN:
        self->position = 0;
        return 0;
      case ZIP_SOURCE_READ: {
        auto* out = static_cast<char*>(data);
        zip_uint64_t n = 0;
        while (n < len && self->position < self->size()) {
          std::size_t got = self->copy(out + n, static_cast<std::size_t>(len - n));
          n += got;
          self->position += got;
        }
        return static_cast<zip_int64_t>(n);
      }
      case ZIP_SOURCE_CLOSE:
      case ZIP_SOURCE_FREE:
        return 0;
      case ZIP_SOURCE_STAT: {
        auto* st = static_cast<zip_stat_t*>(data);
        zip_stat_init(st);
        st->size = self->size();
        st->valid |= ZIP_STAT_SIZE;
        return sizeof(zip_stat_t);
      }
      case ZIP_SOURCE_ERROR:
        return 2 * sizeof(int);
      case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
      default:
        return -1;
    }
  }
};

inline void write_zip(const std::filesystem::path& path, const std::vector<Part>& parts,
                      StreamedPart* streamed = nullptr, const std::string& streamed_name = "",
                      int streamed_level = 1) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (!zip) throw std::runtime_error("zip_open failed");
  for (const auto& part : parts) {
    zip_source_t* source = zip_source_buffer(zip, part.bytes.data(), part.bytes.size(), 0);
    zip_int64_t index = zip_file_add(zip, part.name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) throw std::runtime_error("zip_file_add failed");
    if (part.store)
      zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  if (streamed) {
    zip_source_t* source = zip_source_function(zip, &StreamedPart::callback, streamed);
    zip_int64_t index = zip_file_add(zip, streamed_name.c_str(), source, 0);
    if (index < 0) throw std::runtime_error("zip_file_add failed");
    zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE,
                             static_cast<zip_uint32_t>(streamed_level));
  }
  if (zip_close(zip) != 0) throw std::runtime_error("zip_close failed");
}

inline std::string read_zip_entry(const std::filesystem::path& path, const std::string& name) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (!zip) throw std::runtime_error("zip_open failed");
  zip_file_t* file = zip_fopen(zip, name.c_str(), 0);
  if (!file) throw std::runtime_error("no " + name);
  std::string out;
  char buffer[65536];
  zip_int64_t n;
  while ((n = zip_fread(file, buffer, sizeof buffer)) > 0) out.append(buffer, n);
  zip_fclose(file);
  zip_discard(zip);
  return out;
}

inline const char* kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
inline const char* kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

inline std::string worksheet(const std::string& sheet_data) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n") +
         "<worksheet xmlns=\"" + kMainNs + "\"><sheetData>" + sheet_data +
         "</sheetData></worksheet>";
}

// The parts of a minimal workbook with one sheet per (name, xml); sheet_target is how the
// first sheet's relationship names its part.
inline std::vector<Part> workbook_parts(
    const std::vector<std::pair<std::string, std::string>>& sheets,
    const std::string& shared_strings = "",
    const std::string& first_target = "worksheets/sheet1.xml") {
  std::string rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
  std::string workbook = std::string("<?xml version=\"1.0\"?><workbook xmlns=\"") + kMainNs +
                         "\" xmlns:r=\"" + kRelNs + "\"><sheets>";
  std::string rels =
      "<?xml version=\"1.0\"?><Relationships "
      "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  std::vector<Part> parts;
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    std::string n = std::to_string(i + 1);
    workbook +=
        "<sheet name=\"" + sheets[i].first + "\" sheetId=\"" + n + "\" r:id=\"rId" + n + "\"/>";
    std::string target = i == 0 ? first_target : "worksheets/sheet" + n + ".xml";
    rels += "<Relationship Id=\"rId" + n + "\" Type=\"" + rel_type + "worksheet\" Target=\"" +
            target + "\"/>";
    parts.push_back({"xl/worksheets/sheet" + n + ".xml", sheets[i].second});
  }
  workbook += "</sheets></workbook>";
  if (!shared_strings.empty()) {
    rels += "<Relationship Id=\"rIdS\" Type=\"" + rel_type +
            "sharedStrings\" Target=\"sharedStrings.xml\"/>";
    parts.push_back({"xl/sharedStrings.xml", shared_strings});
  }
  rels += "</Relationships>";
  parts.push_back({"[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"});
  parts.push_back(
      {"_rels/.rels",
       "<?xml version=\"1.0\"?><Relationships "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
       "Id=\"rId1\" Type=\"" +
           rel_type + "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"});
  parts.push_back({"xl/workbook.xml", workbook});
  parts.push_back({"xl/_rels/workbook.xml.rels", rels});
  return parts;
}

inline void write_xlsx(const std::filesystem::path& path, const std::string& sheet_data,
                       const std::string& shared_strings = "") {
  write_zip(path, workbook_parts({{"Sheet1", worksheet(sheet_data)}}, shared_strings));
}

inline std::string sst(const std::string& items) {
  return std::string("<?xml version=\"1.0\"?><sst xmlns=\"") + kMainNs + "\">" + items + "</sst>";
}

}  // namespace xlsxkit
