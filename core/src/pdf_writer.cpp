#include "ncss/pdf_writer.hpp"

#include <fcntl.h>
#include <hb-subset.h>
#include <hb.h>
#include <hpdf.h>
#include <qrencode.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bitset>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <set>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "haru_impl.hpp"
#include "ncss/error.hpp"
#include "ncss/text.hpp"
#include "partial_file.hpp"
#include "text_rules.hpp"

namespace ncss {

namespace {

namespace fs = std::filesystem;

constexpr char32_t kMark = U'\u3013';  // 〓 GETA MARK

std::string hex(unsigned value, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*X", digits, value);
  return buf;
}

// The text as a message may quote it: invalid bytes and control characters as \xHH.
std::string quotable(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    std::size_t len = decode_utf8(s, i, cp);
    if (len == 0 || cp < 0x20 || cp == 0x7F) {
      out += "\\x" + hex(static_cast<unsigned char>(s[i]), 2);
      i += 1;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

// ---- line breaking ------------------------------------------------------------------------

bool closing_punct(char32_t c) {
  static constexpr std::u32string_view kSet =
      U"，。、；：？！）］｝」』》〉】〕〗’”…—·・‧％,.;:?!)]}%";
  return kSet.find(c) != std::u32string_view::npos;
}

bool opening_punct(char32_t c) {
  static constexpr std::u32string_view kSet = U"（［｛「『《〈【〔〖‘“([{";
  return kSet.find(c) != std::u32string_view::npos;
}

bool middle_dot(char32_t c) { return c == U'·' || c == U'・' || c == U'‧'; }

bool breakable_space(char32_t c) { return c == U' ' || c == U'\u3000'; }

// Letters and digits of scripts written with spaces between words: a Latin word, a number or an
// ID such as 91110108749352307A is kept whole on its line when it fits.
bool word_char(char32_t c) {
  if (breakable_space(c)) return false;
  if (c < 0x80) return c > 0x20 && !closing_punct(c) && !opening_punct(c);
  return c < 0x2E80 && !closing_punct(c) && !opening_punct(c) && !middle_dot(c) &&
         !(c >= 0x2000 && c <= 0x206F);
}

// May a line end between text[i - 1] and text[i]?
bool break_allowed(const std::u32string& text, std::size_t i) {
  char32_t before = text[i - 1];
  char32_t after = text[i];
  if (breakable_space(before)) return true;
  if (breakable_space(after)) return false;  // break after the space, which is then dropped
  if (closing_punct(after) || opening_punct(before)) return false;
  if (middle_dot(before) || middle_dot(after)) return false;
  if (word_char(before) && word_char(after)) return false;
  return true;
}

// ---- libharu ------------------------------------------------------------------------------

using detail::HaruDocument;
using detail::HaruErrors;
using detail::MemoryFile;

}  // namespace

// ---- CjkFont ------------------------------------------------------------------------------

namespace {

// libharu looks a character's glyph up by scanning the cmap's format 4 segments one by one, and
// loading a font does that for all 65,536 codes (for the CIDToGIDMap). HarfBuzz writes a segment
// per run of consecutive characters, a few hundred for an agreement, which made the scan a third
// of the time of a document. So the subset gets a cmap of a few wide segments instead: runs are
// merged across all but the widest gaps, the codes in a gap mapping to glyph 0.
constexpr std::size_t kCmapSegments = 16;  // besides the closing 0xFFFF segment
// A format 4 subtable is at most 65,535 bytes long; the glyph array is kept well below that.
constexpr std::size_t kCmapMaxGlyphArray = 30000;

struct CodeGlyph {
  std::uint16_t code;
  std::uint16_t glyph;
};

void put16(std::string& out, unsigned value) {
  out += static_cast<char>((value >> 8) & 0xFF);
  out += static_cast<char>(value & 0xFF);
}

// A cmap table with one subtable, Windows Unicode BMP (3, 1) in format 4, the one libharu reads,
// mapping `map` (sorted by code, codes below U+FFFF, glyphs not 0); empty if it would not fit.
std::string compact_cmap(const std::vector<CodeGlyph>& map) {
  // Segments start after the widest gaps between the characters (of more than four codes:
  // narrower ones cost fewer bytes than a segment's eight), and after more of them if the glyph
  // array would be too long.
  std::vector<std::size_t> gaps;  // indices of the characters after a gap
  for (std::size_t i = 1; i < map.size(); ++i) {
    if (map[i].code - map[i - 1].code > 5) gaps.push_back(i);
  }
  auto gap = [&](std::size_t i) { return map[i].code - map[i - 1].code - 1u; };
  std::stable_sort(gaps.begin(), gaps.end(),
                   [&](std::size_t a, std::size_t b) { return gap(a) > gap(b); });
  std::vector<std::size_t> starts;
  std::size_t span = 0;  // codes covered, an upper bound of the glyph array's length
  if (!map.empty()) {
    starts.push_back(0);
    span = map.back().code - map.front().code + 1u;
  }
  for (std::size_t i : gaps) {
    if (starts.size() >= kCmapSegments && span <= kCmapMaxGlyphArray) break;
    starts.push_back(i);
    span -= gap(i);
  }
  std::sort(starts.begin(), starts.end());

  struct Segment {
    unsigned start, end;
    int delta;       // glyph = code + delta, when every code of the segment maps in order
    unsigned array;  // else the index of its first entry in the glyph array
    bool ranged;
  };
  std::vector<Segment> segments;
  std::vector<std::uint16_t> glyphs;
  for (std::size_t k = 0; k < starts.size(); ++k) {
    std::size_t first = starts[k];
    std::size_t last = k + 1 < starts.size() ? starts[k + 1] - 1 : map.size() - 1;
    Segment s{map[first].code, map[last].code, 0, 0, false};
    for (std::size_t i = first + 1; i <= last && !s.ranged; ++i) {
      s.ranged = map[i].code != map[i - 1].code + 1 || map[i].glyph != map[i - 1].glyph + 1;
    }
    if (s.ranged) {
      s.array = static_cast<unsigned>(glyphs.size());
      glyphs.resize(glyphs.size() + (s.end - s.start + 1), 0);
      for (std::size_t i = first; i <= last; ++i) {
        glyphs[s.array + (map[i].code - s.start)] = map[i].glyph;
      }
    } else {
      s.delta = static_cast<int>(map[first].glyph) - static_cast<int>(map[first].code);
    }
    segments.push_back(s);
  }
  segments.push_back({0xFFFF, 0xFFFF, 1, 0, false});  // required last; maps to glyph 0
  const std::size_t length = 16 + 8 * segments.size() + 2 * glyphs.size();
  if (length > 0xFFFF) return {};  // tens of thousands of characters, widely spread

  const unsigned count = static_cast<unsigned>(segments.size());
  unsigned search = 1;
  unsigned selector = 0;
  while (search * 2 <= count) search *= 2, ++selector;
  std::string sub;
  put16(sub, 4);  // format
  put16(sub, static_cast<unsigned>(length));
  put16(sub, 0);  // language
  put16(sub, 2 * count);
  put16(sub, 2 * search);
  put16(sub, selector);
  put16(sub, 2 * count - 2 * search);
  for (const Segment& s : segments) put16(sub, s.end);
  put16(sub, 0);  // reservedPad
  for (const Segment& s : segments) put16(sub, s.start);
  for (const Segment& s : segments) put16(sub, static_cast<std::uint16_t>(s.delta));
  for (unsigned i = 0; i < count; ++i) {
    // In bytes from this idRangeOffset entry to the segment's first glyph array entry.
    put16(sub, segments[i].ranged ? 2 * (count - i) + 2 * segments[i].array : 0);
  }
  for (std::uint16_t g : glyphs) put16(sub, g);

  std::string table;
  put16(table, 0);  // version
  put16(table, 1);  // one encoding record
  put16(table, 3);  // Windows
  put16(table, 1);  // Unicode BMP
  put16(table, 0);
  put16(table, 12);  // offset of the subtable (32 bits)
  return table + sub;
}

std::string blob_bytes(hb_blob_t* blob) {
  unsigned length = 0;
  const char* data = hb_blob_get_data(blob, &length);
  return std::string(data, length);
}

// The glyphs of the characters in `face`, sorted by character (only U+0000..U+FFFE, only those
// the face has).
std::vector<CodeGlyph> nominal_glyphs(hb_face_t* face, const std::vector<char32_t>& code_points) {
  hb_font_t* font = hb_font_create(face);
  std::vector<CodeGlyph> map;
  for (char32_t cp : code_points) {
    hb_codepoint_t glyph = 0;
    if (cp < 0xFFFF && hb_font_get_nominal_glyph(font, cp, &glyph) && glyph != 0) {
      map.push_back({static_cast<std::uint16_t>(cp), static_cast<std::uint16_t>(glyph)});
    }
  }
  hb_font_destroy(font);
  auto by_code = [](CodeGlyph a, CodeGlyph b) { return a.code < b.code; };
  auto same_code = [](CodeGlyph a, CodeGlyph b) { return a.code == b.code; };
  std::sort(map.begin(), map.end(), by_code);
  map.erase(std::unique(map.begin(), map.end(), same_code), map.end());
  return map;
}

// The font of `face` with the table `tag` replaced, serialised (tables sorted by tag).
std::string with_table(hb_face_t* face, hb_tag_t tag, const std::string& table) {
  unsigned count = hb_face_get_table_tags(face, 0, nullptr, nullptr);
  std::vector<hb_tag_t> tags(count);
  hb_face_get_table_tags(face, 0, &count, tags.data());
  hb_face_t* builder = hb_face_builder_create();
  for (hb_tag_t t : tags) {
    hb_blob_t* blob = t == tag ? hb_blob_create(table.data(), static_cast<unsigned>(table.size()),
                                                HB_MEMORY_MODE_READONLY, nullptr, nullptr)
                               : hb_face_reference_table(face, t);
    hb_face_builder_add_table(builder, t, blob);
    hb_blob_destroy(blob);
  }
  hb_blob_t* font = hb_face_reference_blob(builder);
  std::string bytes = blob_bytes(font);
  hb_blob_destroy(font);
  hb_face_destroy(builder);
  return bytes;
}

}  // namespace

struct CjkFont::Impl {
  fs::path path;
  unsigned face_index = 0;
  hb_blob_t* blob = nullptr;
  hb_face_t* face = nullptr;
  std::bitset<0x10000> covered;

  ~Impl() {
    hb_face_destroy(face);
    hb_blob_destroy(blob);
  }
};

CjkFont::CjkFont(const fs::path& path, unsigned face_index) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->face_index = face_index;
  const bool standard_font = path == fs::path(kDefaultPath);
  std::string hint = standard_font ? "; install Debian's fonts-wqy-zenhei (scripts/setup.sh)" : "";
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw Error::io("the CJK font " + path.string() + " is a directory, not a font file", EISDIR);
  }
  if (!fs::is_regular_file(path, ec)) {
    throw Error::io("the CJK font " + path.string() + " does not exist" + hint, ENOENT);
  }
  impl_->blob = hb_blob_create_from_file_or_fail(path.c_str());
  if (impl_->blob == nullptr) {
    throw Error::io("cannot read the CJK font " + path.string() + hint);
  }
  if (face_index >= hb_face_count(impl_->blob)) {
    throw Error::invalid_input("the font " + path.string() + " has no face " +
                               std::to_string(face_index) + " (or is not a TrueType font)");
  }
  impl_->face = hb_face_create(impl_->blob, face_index);
  hb_blob_t* glyf = hb_face_reference_table(impl_->face, HB_TAG('g', 'l', 'y', 'f'));
  unsigned glyf_length = hb_blob_get_length(glyf);
  hb_blob_destroy(glyf);
  if (glyf_length == 0) {
    throw Error::invalid_input("the font " + path.string() + " face " + std::to_string(face_index) +
                               " has no TrueType outlines (a CFF font such as Noto CJK cannot be "
                               "embedded by libharu)");
  }
  hb_set_t* unicodes = hb_set_create();
  hb_face_collect_unicodes(impl_->face, unicodes);
  for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; hb_set_next(unicodes, &cp);) {
    if (cp < 0x10000) impl_->covered.set(cp);
  }
  hb_set_destroy(unicodes);
}

CjkFont::~CjkFont() = default;

namespace {

fs::path& standard_font_path() {
  static fs::path path = CjkFont::kDefaultPath;
  return path;
}

}  // namespace

void CjkFont::use_standard_path(const fs::path& path) { standard_font_path() = path; }

const CjkFont& CjkFont::standard() {
  static const CjkFont font(standard_font_path());
  return font;
}

const fs::path& CjkFont::path() const { return impl_->path; }
unsigned CjkFont::face_index() const { return impl_->face_index; }

bool CjkFont::covers(char32_t code_point) const {
  return code_point < 0x10000 && impl_->covered.test(code_point);
}

std::string CjkFont::subset(const std::vector<char32_t>& code_points) const {
  hb_subset_input_t* input = hb_subset_input_create_or_fail();
  if (input == nullptr) throw Error::internal("HarfBuzz: cannot create a subset input");
  hb_set_t* unicodes = hb_subset_input_unicode_set(input);
  for (char32_t cp : code_points) hb_set_add(unicodes, cp);
  // Hinting (fpgm, prep, cvt, glyph instructions) is useless in a PDF; OpenType layout, vertical
  // metrics and bitmaps are not read by libharu or PDF readers.
  hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING);
  hb_set_t* drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (const char* tag : {"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "vhea", "vmtx", "VORG",
                          "EBDT", "EBLC", "EBSC", "gasp", "hdmx", "VDMX", "LTSH", "kern", "DSIG"}) {
    hb_set_add(drop, hb_tag_from_string(tag, 4));
  }
  hb_face_t* subset = hb_subset_or_fail(impl_->face, input);
  hb_subset_input_destroy(input);
  if (subset == nullptr) throw Error::internal("HarfBuzz could not subset " + impl_->path.string());
  // HarfBuzz 6.0 returns a builder face: referencing its blob serialises the font, and only a
  // face made from that blob can be read.
  hb_blob_t* blob = hb_face_reference_blob(subset);
  hb_face_destroy(subset);
  hb_face_t* face = hb_face_create(blob, 0);
  std::string cmap = compact_cmap(nominal_glyphs(face, code_points));
  std::string bytes =
      cmap.empty() ? blob_bytes(blob) : with_table(face, HB_TAG('c', 'm', 'a', 'p'), cmap);
  hb_face_destroy(face);
  hb_blob_destroy(blob);
  if (bytes.empty()) throw Error::internal("HarfBuzz produced an empty subset font");
  return bytes;
}

// ---- PdfDocument --------------------------------------------------------------------------

namespace {

enum class BlockKind { Heading, Paragraph, Field, Space, QrCode };

struct Block {
  BlockKind kind;
  std::u32string text;     // heading, paragraph, field value
  std::u32string label;    // field label
  double points = 0;       // space; QR code: the module size
  int qr_width = 0;        // QR code: modules per side
  std::vector<bool> dark;  // QR code: qr_width * qr_width modules, row by row from the top
};

// A piece of text at an x offset from the left margin, on one of its row's lines.
struct Piece {
  double x;
  std::string utf8;
  std::size_t line = 0;
};

// Lines placed on a page as one unit (never split by a page break): the pieces are drawn in
// their order, which is the order a reader extracts the text in.
struct Row {
  double size;
  double height;      // of each line
  double gap_before;  // dropped at the top of a page
  std::vector<Piece> pieces;
  std::size_t lines = 1;
};

// The mark drawn for a character the font cannot show: 〓, or '?' with a font without it.
char32_t mark_of(const CjkFont& font) { return font.covers(kMark) ? kMark : U'?'; }

// `text` as drawn in `font` (a line feed kept as a line break), every character that cannot be
// drawn replaced by the mark and listed in `found`.
std::u32string shown(const CjkFont& font, const std::string& text, std::vector<PdfWarning>& found) {
  std::u32string out;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    std::size_t len = decode_utf8(text, i, cp);
    std::string character, problem;
    if (len == 0) {
      character = "byte 0x" + hex(static_cast<unsigned char>(text[i]), 2);
      problem = character + " is not UTF-8";
      len = 1;
    } else if (cp > 0xFFFF) {
      character = "U+" + hex(cp, 4);
      problem = character + " is above U+FFFF, which the PDF font cannot show";
    } else if (cp == U'\n') {
      // a line break
    } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
      character = "U+" + hex(cp, 4);
      problem = "control character " + character;
    } else if (!font.covers(cp)) {
      character = "U+" + hex(cp, 4);
      problem = character + " has no glyph in " + font.path().filename().string();
    }
    if (problem.empty()) {
      out += cp;
    } else {
      out += mark_of(font);
      found.push_back({quotable(text), i, character, problem});
    }
    i += len;
  }
  return out;
}

}  // namespace

std::string showable_text(const CjkFont& font, const std::string& text,
                          std::vector<PdfWarning>* marked) {
  std::vector<PdfWarning> found;
  std::string out;
  for (char32_t cp : shown(font, text, found)) append_utf8(out, cp);
  if (marked != nullptr) marked->insert(marked->end(), found.begin(), found.end());
  return out;
}

struct PdfDocument::Impl {
  const CjkFont& font;
  PdfOptions options;
  std::vector<Block> blocks;
  std::vector<PdfWarning> warnings;
  std::optional<std::string> pdf;  // the last rendering, until a block is added
  std::size_t pages = 0;

  Impl(const CjkFont& f, PdfOptions o) : font(f), options(std::move(o)) {}

  // Checks `text` and returns it as code points (with 〓 where Mark replaced something).
  std::u32string accept(const std::string& text) {
    std::vector<PdfWarning> found;
    std::u32string out = shown(font, text, found);
    if (!found.empty() && options.unshowable == UnshowableText::Refuse) {
      throw Error::invalid_input("cannot put \"" + found.front().text +
                                 "\" into a PDF: " + found.front().problem + " (at byte " +
                                 std::to_string(found.front().offset) + ")");
    }
    warnings.insert(warnings.end(), found.begin(), found.end());
    pdf.reset();
    return out;
  }

  std::string render();
};

namespace {

// Lays the blocks out and draws them with libharu; the font must already be loaded.
class Renderer {
 public:
  Renderer(HPDF_Doc doc, HPDF_Font font, const PdfOptions& options, HaruErrors& errors)
      : doc_(doc), font_(font), options_(options), errors_(errors) {}

  std::size_t pages() const { return pages_; }

  void draw(const std::vector<Block>& blocks) {
    const double text_width = page_width() - options_.margin_left - options_.margin_right;
    for (const Block& block : blocks) {
      switch (block.kind) {
        case BlockKind::Space:
          pending_gap_ += block.points;
          break;
        case BlockKind::Heading: {
          double size = options_.heading_size;
          bool first = true;
          for (const auto& line : wrap(block.text, size, text_width)) {
            double x = (text_width - width(line, size)) / 2;
            emit({size, size * options_.line_spacing, first ? size * 0.5 : 0, {{x, utf8(line)}}});
            first = false;
          }
          pending_gap_ += size * 0.5;
          break;
        }
        case BlockKind::Paragraph: {
          double size = options_.body_size;
          bool first = true;
          for (const auto& line : wrap(block.text, size, text_width)) {
            emit({size, size * options_.line_spacing, first ? size * 0.4 : 0, {{0, utf8(line)}}});
            first = false;
          }
          break;
        }
        case BlockKind::Field: {
          double size = options_.body_size;
          double label_width = text_width * options_.label_column;
          double gap = size;  // between the columns
          auto labels = wrap(block.label, size, label_width - gap);
          auto values = wrap(block.text, size, text_width - label_width);
          std::size_t n = std::max(labels.size(), values.size());
          // The lines of a label are one unit with the value's lines beside them, the label's
          // drawn first: the text reads label, then value, as `agreement verify` expects, not
          // a wrapped label's lines interleaved with the value's.
          const std::size_t first = labels.size();
          Row row{size, size * options_.line_spacing, size * 0.2, {}, first};
          for (std::size_t i = 0; i < labels.size(); ++i) {
            row.pieces.push_back({0, utf8(labels[i]), i});
          }
          for (std::size_t i = 0; i < first && i < values.size(); ++i) {
            row.pieces.push_back({label_width, utf8(values[i]), i});
          }
          emit(std::move(row));
          for (std::size_t i = first; i < n; ++i) {
            emit({size, size * options_.line_spacing, 0, {{label_width, utf8(values[i])}}});
          }
          break;
        }
        case BlockKind::QrCode:
          draw_qr(block);
          break;
      }
    }
    if (page_ == nullptr) new_page();  // an empty document still has a page
  }

 private:
  double page_width() const { return 595.276; }  // A4, 210 mm
  double page_height() const { return 841.89; }  // 297 mm

  void check(HPDF_STATUS status, const char* what) { detail::haru_check(status, what, errors_); }

  void new_page() {
    page_ = HPDF_AddPage(doc_);
    if (page_ == nullptr) check(HPDF_FAILD_TO_ALLOC_MEM, "add a page");
    check(HPDF_Page_SetSize(page_, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT), "size a page");
    ++pages_;
    y_ = page_height() - options_.margin_top;
    at_top_ = true;
  }

  void emit(Row row) {
    if (page_ == nullptr) new_page();
    double gap = at_top_ ? 0 : pending_gap_ + row.gap_before;
    const double height = row.height * static_cast<double>(row.lines);
    if (y_ - gap - height < options_.margin_bottom && !at_top_) {
      new_page();
      gap = 0;
    }
    pending_gap_ = 0;
    y_ -= gap + height;
    for (const Piece& piece : row.pieces) {
      if (piece.utf8.empty()) continue;
      // The baseline sits a fifth of the line height above the line's bottom (descenders fit).
      double bottom = y_ + row.height * static_cast<double>(row.lines - 1 - piece.line);
      double baseline = bottom + (row.height - row.size) / 2 + row.size * 0.12;
      check(HPDF_Page_BeginText(page_), "begin text");
      check(HPDF_Page_SetFontAndSize(page_, font_, static_cast<HPDF_REAL>(row.size)), "set font");
      check(HPDF_Page_TextOut(page_, static_cast<HPDF_REAL>(options_.margin_left + piece.x),
                              static_cast<HPDF_REAL>(baseline), piece.utf8.c_str()),
            "draw text");
      check(HPDF_Page_EndText(page_), "end text");
    }
    at_top_ = false;
  }

  // A QR code with its quiet zone (4 modules each side), the dark modules of each row merged
  // into runs and filled as one path.
  void draw_qr(const Block& block) {
    const double module = block.points;
    const double side = (block.qr_width + 8) * module;
    if (page_ == nullptr) new_page();
    double gap = at_top_ ? 0 : pending_gap_;
    if (y_ - gap - side < options_.margin_bottom && !at_top_) {
      new_page();
      gap = 0;
    }
    pending_gap_ = 0;
    y_ -= gap + side;
    const double left = options_.margin_left + 4 * module;
    const double top = y_ + side - 4 * module;
    const int n = block.qr_width;
    for (int r = 0; r < n; ++r) {
      for (int c = 0; c < n;) {
        if (!block.dark[static_cast<std::size_t>(r * n + c)]) {
          ++c;
          continue;
        }
        int start = c;
        while (c < n && block.dark[static_cast<std::size_t>(r * n + c)]) ++c;
        check(HPDF_Page_Rectangle(page_, static_cast<HPDF_REAL>(left + start * module),
                                  static_cast<HPDF_REAL>(top - (r + 1) * module),
                                  static_cast<HPDF_REAL>((c - start) * module),
                                  static_cast<HPDF_REAL>(module)),
              "draw a QR module");
      }
    }
    check(HPDF_Page_Fill(page_), "fill the QR code");
    at_top_ = false;
  }

  // Advance width in thousandths of an em, as HPDF_Page_TextWidth computes it (per character:
  // libharu's MeasureText and TextRect miscount CJK text).
  double advance(char32_t cp) {
    auto it = widths_.find(cp);
    if (it != widths_.end()) return it->second;
    std::string s;
    append_utf8(s, cp);
    HPDF_TextWidth tw =
        HPDF_Font_TextWidth(font_, reinterpret_cast<const HPDF_BYTE*>(s.data()), s.size());
    check(HPDF_OK, "measure text");
    return widths_[cp] = static_cast<double>(tw.width);
  }

  double width(const std::u32string& line, double size) {
    double total = 0;
    for (char32_t cp : line) total += advance(cp);
    return total * size / 1000;
  }

  std::vector<std::u32string> wrap(const std::u32string& text, double size, double max_width) {
    std::vector<std::u32string> lines;
    const double limit = max_width * 1000 / size;
    std::size_t start = 0;
    while (start <= text.size()) {
      double used = 0;
      std::size_t last_break = 0;  // 0: no break opportunity yet on this line
      std::size_t end = text.size();
      std::size_t next = text.size() + 1;
      for (std::size_t i = start; i < text.size(); ++i) {
        if (text[i] == U'\n') {
          end = i;
          next = i + 1;
          break;
        }
        if (i > start && break_allowed(text, i)) last_break = i;
        double w = advance(text[i]);
        if (used + w > limit && i > start) {
          end = last_break > start ? last_break : i;
          next = end;
          break;
        }
        used += w;
      }
      std::size_t trimmed = end;
      while (trimmed > start && text[trimmed - 1] == U' ') {
        --trimmed;
      }
      lines.push_back(text.substr(start, trimmed - start));
      start = next;
      // A soft break swallows the spaces that follow it.
      if (start < text.size() && start == end) {
        while (start < text.size() && text[start] == U' ') ++start;
      }
    }
    return lines;
  }

  static std::string utf8(const std::u32string& line) {
    std::string out;
    for (char32_t cp : line) append_utf8(out, cp);
    return out;
  }

  HPDF_Doc doc_;
  HPDF_Font font_;
  const PdfOptions& options_;
  HaruErrors& errors_;
  HPDF_Page page_ = nullptr;
  double y_ = 0;
  double pending_gap_ = 0;
  bool at_top_ = true;
  std::size_t pages_ = 0;
  std::unordered_map<char32_t, double> widths_;
};

// libharu 2.3.0 writes its UTF-8 encoder's CMap as the font's ToUnicode map: a "cidrange", which
// is not valid there (poppler warns "Invalid 'begincidrange' operator in ToUnicode CMap" and other
// readers may extract nothing). With that encoder a character's code is its UTF-16 value, so the
// right map is the identity over the document's characters, written as bfchar entries.
void write_to_unicode(HPDF_Font font, const std::set<char32_t>& used) {
  auto* cmap = static_cast<HPDF_Dict>(HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT));
  if (cmap == nullptr || cmap->stream == nullptr) {
    throw Error::internal("libharu wrote no ToUnicode map for the font");
  }
  std::string text =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  std::vector<char32_t> codes(used.begin(), used.end());
  for (std::size_t i = 0; i < codes.size(); i += 100) {  // at most 100 entries a block
    std::size_t n = std::min<std::size_t>(100, codes.size() - i);
    text += std::to_string(n) + " beginbfchar\n";
    for (std::size_t k = i; k < i + n; ++k) {
      std::string code = hex(static_cast<unsigned>(codes[k]), 4);
      text += "<" + code + "> <" + code + ">\n";
    }
    text += "endbfchar\n";
  }
  text += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  HPDF_MemStream_FreeData(cmap->stream);
  if (HPDF_Stream_WriteStr(cmap->stream, text.c_str()) != HPDF_OK) {
    throw Error::internal("libharu could not take the ToUnicode map");
  }
}

HPDF_Date haru_date(Timestamp t) {
  std::int64_t local = t.seconds + kChinaOffsetSeconds;
  std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  std::int64_t secs = local - days * 86400;
  // civil_from_days (Howard Hinnant's algorithm)
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  HPDF_Date d{};
  d.year = static_cast<HPDF_INT>(year);
  d.month = static_cast<HPDF_INT>(month);
  d.day = static_cast<HPDF_INT>(day);
  d.hour = static_cast<HPDF_INT>(secs / 3600);
  d.minutes = static_cast<HPDF_INT>(secs / 60 % 60);
  d.seconds = static_cast<HPDF_INT>(secs % 60);
  d.ind = '+';
  d.off_hour = 8;
  d.off_minutes = 0;
  return d;
}

}  // namespace

std::string PdfDocument::Impl::render() {
  // The document's characters, for the font subset.
  std::set<char32_t> used{U' '};
  for (const Block& b : blocks) {
    for (char32_t cp : b.text) used.insert(cp);
    for (char32_t cp : b.label) used.insert(cp);
  }
  used.erase(U'\n');
  MemoryFile font_file(font.subset(std::vector<char32_t>(used.begin(), used.end())),
                       "ncss-pdf-font");

  HaruDocument doc(font_file.path());
  if (options.created) {
    HPDF_Date date = haru_date(*options.created);
    HPDF_SetInfoDateAttr(doc.get(), HPDF_INFO_CREATION_DATE, date);
    HPDF_SetInfoDateAttr(doc.get(), HPDF_INFO_MOD_DATE, date);
  }
  if (!options.title.empty()) HPDF_SetInfoAttr(doc.get(), HPDF_INFO_TITLE, options.title.c_str());
  if (doc.errors().error != 0) doc.fail("set the document information");

  Renderer renderer(doc.get(), doc.font(), options, doc.errors());
  renderer.draw(blocks);
  pages = renderer.pages();
  write_to_unicode(doc.font(), used);
  return doc.save();
}

PdfDocument::PdfDocument(const CjkFont& font, PdfOptions options)
    : impl_(std::make_unique<Impl>(font, std::move(options))) {
  for (char c : impl_->options.title) {
    if (static_cast<unsigned char>(c) >= 0x7F || static_cast<unsigned char>(c) < 0x20) {
      throw Error::invalid_input("a PDF title must be printable ASCII: \"" +
                                 quotable(impl_->options.title) + "\"");
    }
  }
}

PdfDocument::~PdfDocument() = default;

void PdfDocument::heading(const std::string& text) {
  impl_->blocks.push_back({BlockKind::Heading, impl_->accept(text), {}, 0, 0, {}});
}

void PdfDocument::paragraph(const std::string& text) {
  impl_->blocks.push_back({BlockKind::Paragraph, impl_->accept(text), {}, 0, 0, {}});
}

void PdfDocument::field(const std::string& label, const std::string& value) {
  std::u32string l = impl_->accept(label);
  std::u32string v = impl_->accept(value);
  impl_->blocks.push_back({BlockKind::Field, std::move(v), std::move(l), 0, 0, {}});
}

void PdfDocument::qr_code(const std::string& text, double module_points) {
  if (!(module_points >= 2.5)) {
    throw Error::invalid_input(
        "a QR code module must be at least 2.5 pt to decode from a 72-dpi "
        "scan, not " +
        std::to_string(module_points));
  }
  QRinput* input = QRinput_new2(0, QR_ECLEVEL_M);
  if (input == nullptr) throw Error::internal("libqrencode could not start a QR code");
  struct FreeInput {
    QRinput* p;
    ~FreeInput() { QRinput_free(p); }
  } free_input{input};
  // ECI 26 is UTF-8; without it readers assume ISO 8859-1 or guess.
  if (QRinput_appendECIheader(input, 26) != 0 ||
      QRinput_append(input, QR_MODE_8, static_cast<int>(text.size()),
                     reinterpret_cast<const unsigned char*>(text.data())) != 0) {
    throw Error::invalid_input("cannot put \"" + quotable(text) + "\" into a QR code");
  }
  QRcode* code = QRcode_encodeInput(input);
  if (code == nullptr) {
    throw Error::invalid_input("\"" + quotable(text) + "\" (" + std::to_string(text.size()) +
                               " bytes) is too long for a QR code");
  }
  Block block{BlockKind::QrCode, {}, {}, module_points, code->width, {}};
  block.dark.resize(static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width));
  for (std::size_t i = 0; i < block.dark.size(); ++i) block.dark[i] = (code->data[i] & 1) != 0;
  QRcode_free(code);
  impl_->blocks.push_back(std::move(block));
  impl_->pdf.reset();
}

void PdfDocument::space(double points) {
  impl_->blocks.push_back({BlockKind::Space, {}, {}, std::max(0.0, points), 0, {}});
  impl_->pdf.reset();
}

std::string PdfDocument::bytes() {
  if (!impl_->pdf) impl_->pdf = impl_->render();
  return *impl_->pdf;
}

std::size_t PdfDocument::page_count() {
  bytes();
  return impl_->pages;
}

const std::vector<PdfWarning>& PdfDocument::warnings() const { return impl_->warnings; }

void PdfDocument::save(const fs::path& file) { write_file_atomically(file, bytes()); }

void write_file_atomically(const fs::path& file, const std::string& pdf) {
  // A name no other writer uses, in the target's directory so that the rename is atomic; the
  // mode is 0666 less the umask, as for any new document.
  fs::path partial;
  int fd = create_partial_file(file, partial);
  auto fail = [&](int err) { throw_cannot_write(file, err); };
  auto discard = [&](int err) {
    ::close(fd);
    ::unlink(partial.c_str());
    fail(err);
  };
  for (std::size_t done = 0; done < pdf.size();) {
    ssize_t n = ::write(fd, pdf.data() + done, pdf.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) discard(n < 0 ? errno : EIO);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) discard(errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(partial.c_str());
    fail(err);
  }
  std::error_code ec;
  fs::rename(partial, file, ec);
  if (ec) {
    ::unlink(partial.c_str());
    fail(ec.value());
  }
}

}  // namespace ncss
