#include "ncss/error.hpp"

namespace ncss {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::Internal:
      return "internal";
    case ErrorCode::Usage:
      return "usage";
    case ErrorCode::NotFound:
      return "not_found";
    case ErrorCode::InvalidInput:
      return "invalid_input";
    case ErrorCode::Partial:
      return "partial";
    case ErrorCode::InvalidTransition:
      return "refused";
    case ErrorCode::Conflict:
      return "conflict";
    case ErrorCode::Storage:
      return "storage";
    case ErrorCode::Io:
      return "io";
    case ErrorCode::CheckFailed:
      return "check_failed";
  }
  return "internal";
}

Error Error::not_found(std::string_view kind, std::string_view key) {
  return {ErrorCode::NotFound, std::string(kind) + " not found: " + std::string(key)};
}

}  // namespace ncss
