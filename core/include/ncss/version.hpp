#pragma once

namespace ncss {
constexpr const char* kVersion = NCSS_VERSION;
}  // namespace ncss
