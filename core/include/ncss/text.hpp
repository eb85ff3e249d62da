// UTF-8 as ncssctl reads every text it is given: its arguments, files and cells.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ncss {

// Decodes the code point at s[i] into `out`; returns its length in bytes, or 0 when the bytes
// there are not well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or values above
// U+10FFFF, no truncated sequence).
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& out);

// The byte offset of the first byte that is not well-formed UTF-8, or nullopt for valid text.
std::optional<std::size_t> invalid_utf8_at(std::string_view s);

// How many lines a field of a form has. Single: a name, an address, a phone, an e-mail, a code,
// a title. Multi: a note, a reason, the 补充条款, where a paragraph break is text.
enum class TextLines { Single, Multi };

// Free text as a field takes it from an option or a file. Refuses (InvalidInput) a character no
// one means to type (the roster import's hidden_character: control characters U+0000..U+001F,
// U+007F, U+0080..U+009F, with tab and line breaks; zero-width, direction and other invisible
// format characters; U+FEFF), naming `field` as messages name it ("--note", "单位名称 (--name)"),
// the character as U+XXXX and its 1-based position in characters. In a Multi field a line feed
// is text, and CR LF is one line break, returned as LF; a CR alone is refused. Returns the text
// as it is to be stored. Spaces (U+0020, U+3000, U+00A0) are text in every field.
std::string checked_text(std::string_view text, std::string_view field, TextLines lines);

}  // namespace ncss
