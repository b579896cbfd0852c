// Small helpers for building Errors inside the library.
#pragma once

#include <string>

#include "cometapi/error.hpp"

namespace cometapi::detail {

inline Error make_error(ErrorKind kind, std::string message) {
  Error error;
  error.kind = kind;
  error.message = std::move(message);
  return error;
}

/// InvalidArgument: refused before anything was sent.
inline Error invalid_argument(std::string message) {
  return make_error(ErrorKind::InvalidArgument, std::move(message));
}

/// Errors a later attempt may not see again (a wait or a watcher keeps polling through them).
inline bool is_transient(const Error& error) {
  switch (error.kind) {
    case ErrorKind::Connection:
    case ErrorKind::Timeout:
    case ErrorKind::RateLimited:
    case ErrorKind::Server:
    case ErrorKind::ResponseInvalid:
      return true;
    default:
      return false;
  }
}

}  // namespace cometapi::detail
