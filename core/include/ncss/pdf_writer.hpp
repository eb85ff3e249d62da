// Writing simple text PDFs in Chinese: A4 pages of headings, wrapped paragraphs, two-column
// "label: value" lines and QR codes, in one embedded CJK TrueType font subset to the document's
// characters.
// The groundwork of the electronic employment agreement (issue 7).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ncss/time.hpp"

namespace ncss {

// A TrueType (glyf-outline) CJK face, read once and shared by every document that draws with it.
// Immutable after construction, so one instance may serve documents on several threads.
class CjkFont {
 public:
  // Debian's fonts-wqy-zenhei; face 0 of the collection is WenQuanYi Zen Hei.
  static constexpr const char* kDefaultPath = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";

  // Throws Error(Io) naming the path (and, for the default font, the Debian package to install)
  // when the file is missing or unreadable, and Error(InvalidInput) when it is not a TrueType
  // font or collection with that face, or has CFF outlines (libharu embeds only glyf outlines).
  explicit CjkFont(const std::filesystem::path& path = kDefaultPath, unsigned face_index = 0);
  ~CjkFont();
  CjkFont(const CjkFont&) = delete;
  CjkFont& operator=(const CjkFont&) = delete;

  // The default font, loaded on first use and kept for the life of the process: kDefaultPath,
  // face 0, unless use_standard_path named another file before that first use.
  static const CjkFont& standard();
  // Another TrueType font (face 0) as the standard one, such as Debian's fonts-wqy-microhei
  // (ncssctl's NCSSCTL_FONT). Only before the first standard(); afterwards it changes nothing.
  static void use_standard_path(const std::filesystem::path& path);

  const std::filesystem::path& path() const;
  unsigned face_index() const;
  // Whether the face has a glyph for this character (only U+0000..U+FFFF can be drawn at all).
  bool covers(char32_t code_point) const;
  // A TrueType font of just these characters' glyphs (and .notdef), hinting and OpenType layout
  // tables dropped, glyphs renumbered from 1. Throws Error(Internal) if HarfBuzz fails.
  std::string subset(const std::vector<char32_t>& code_points) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What happens to text the PDF cannot show faithfully: bytes that are not UTF-8, characters
// above U+FFFF (libharu's UTF-8 encoder drops them), control characters other than a line feed,
// and characters the font has no glyph for.
enum class UnshowableText {
  // Error(InvalidInput) naming the text and the character; nothing is added.
  Refuse,
  // Each such character (or each invalid byte) is drawn as the geta mark 〓 (U+3013, the
  // typesetter's sign for a missing character; '?' with a font that lacks 〓 too) and reported
  // in PdfDocument::warnings(). The agreement PDF draws this way: a signed agreement is always
  // printable.
  Mark,
};

// One character replaced under UnshowableText::Mark.
struct PdfWarning {
  std::string text;       // the whole text as given (invalid bytes written as \xHH)
  std::size_t offset;     // byte offset of the character in that text
  std::string character;  // "U+1F600", or "byte 0xC3" for a byte that is not UTF-8
  std::string problem;    // e.g. "U+1F600 is above U+FFFF, which the PDF font cannot show"
};

// `text` as a PdfDocument with UnshowableText::Mark draws it in `font`: every character it
// cannot show replaced by the mark (a line feed is kept), each replacement added to `marked`
// when given. What `agreement verify` expects a PDF's text to be.
std::string showable_text(const CjkFont& font, const std::string& text,
                          std::vector<PdfWarning>* marked = nullptr);

struct PdfOptions {
  double margin_top = 72;  // points (1/72 inch); 72 pt = 25.4 mm
  double margin_bottom = 72;
  double margin_left = 68;
  double margin_right = 68;
  double heading_size = 16;
  double body_size = 10.5;  // 五号
  double line_spacing = 1.6;
  double label_column = 0.3;  // share of the text width taken by field labels
  UnshowableText unshowable = UnshowableText::Refuse;
  // Written as the PDF's creation and modification date (in +08:00) when given; the clock is
  // never read, so the same content and options give byte-identical files.
  std::optional<Timestamp> created;
  std::string title;  // the Info /Title when not empty (ASCII only; see pdf_writer.cpp)
};

// A document built block by block. Text is checked when it is added (see UnshowableText); the
// PDF is laid out and produced on bytes() or save(), after which more blocks may still be added.
// Lines break between CJK characters and at spaces between Latin words, never before closing
// punctuation (，。）」…) or after opening punctuation, and never next to a middle dot (·), so
// 艾尔肯·吐尔逊 stays on one line; a line feed in the text breaks the line.
class PdfDocument {
 public:
  explicit PdfDocument(const CjkFont& font, PdfOptions options = {});
  ~PdfDocument();
  PdfDocument(const PdfDocument&) = delete;
  PdfDocument& operator=(const PdfDocument&) = delete;

  void heading(const std::string& text);    // centred, larger
  void paragraph(const std::string& text);  // wrapped to the text width, across pages if needed
  // A label in the left column and its value wrapped in the right one. A label that wraps is
  // kept whole on one page with the value's lines beside it, and drawn first: the text reads
  // label, then value (not their lines interleaved).
  void field(const std::string& label, const std::string& value);
  void space(double points);  // vertical space (dropped at the top of a page)
  // A QR code of `text` (UTF-8, announced by an ECI header so that readers need not guess the
  // encoding), error correction level M, each module a square of `module_points` (at least 2.5,
  // so that it decodes from a 72-dpi scan), with its quiet zone of four modules, at the left
  // margin; moved whole to the next page when it does not fit. Throws Error(InvalidInput) when
  // the text is too long for a QR code or the module is smaller than 2.5 pt.
  void qr_code(const std::string& text, double module_points = 3);

  // The PDF. Throws Error(Internal) if libharu or HarfBuzz fails, Error(Io) for a failed memfd.
  std::string bytes();
  // Writes the PDF to a temporary file beside `file` and renames it over `file`, so a reader
  // never sees half a file. Throws Error(Io) naming the file.
  void save(const std::filesystem::path& file);

  std::size_t page_count();                         // lays the document out if needed
  const std::vector<PdfWarning>& warnings() const;  // characters marked, in order

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes `bytes` to a temporary file beside `file` (created with O_EXCL), syncs it and renames
// it over `file`, so a reader never sees half a file. Throws Error(Io) naming the file.
void write_file_atomically(const std::filesystem::path& file, const std::string& bytes);

}  // namespace ncss
