// The one error type of the core: a code that the CLI maps to an exit status, and a message in
// plain words.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ncss {

enum class ErrorCode {
  Internal,           // a bug: something the program did not expect
  Usage,              // the command line is wrong
  NotFound,           // an argument names something that does not exist
  InvalidInput,       // a value or a file refused whole; nothing written
  Partial,            // some items refused, the rest done
  InvalidTransition,  // a rule of the workflow refuses the action
  Conflict,           // it exists already, or was changed meanwhile
  Storage,            // the database cannot be used as asked
  Io,                 // a file could not be read or written
  CheckFailed,        // a consistency check found problems
};

std::string_view error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, int detail = 0)
      : std::runtime_error(message), code_(code), detail_(detail) {}

  ErrorCode code() const { return code_; }
  // A secondary code: SQLite's extended result code for Storage errors, errno for Io, the
  // RefusalKind (signing_state.hpp) for a refused signing transition.
  int detail() const { return detail_; }

  static Error internal(const std::string& what) { return {ErrorCode::Internal, what}; }
  static Error usage(const std::string& what) { return {ErrorCode::Usage, what}; }
  static Error not_found(std::string_view kind, std::string_view key);
  static Error invalid_input(const std::string& what) { return {ErrorCode::InvalidInput, what}; }
  static Error invalid_transition(const std::string& what) {
    return {ErrorCode::InvalidTransition, what};
  }
  static Error conflict(const std::string& what) { return {ErrorCode::Conflict, what}; }
  static Error storage(const std::string& what, int sqlite_code = 0) {
    return {ErrorCode::Storage, what, sqlite_code};
  }
  static Error io(const std::string& what, int err = 0) { return {ErrorCode::Io, what, err}; }

 private:
  ErrorCode code_;
  int detail_;
};

}  // namespace ncss
