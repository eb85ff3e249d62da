// UTF-8 as ncssctl reads every text it is given: its arguments, files and cells.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ncss {

// Decodes the code point at s[i] into `out`; returns its length in bytes, or 0 when the bytes
// there are not well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or values above
// U+10FFFF, no truncated sequence).
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& out);

// The byte offset of the first byte that is not well-formed UTF-8, or nullopt for valid text.
std::optional<std::size_t> invalid_utf8_at(std::string_view s);

}  // namespace ncss
