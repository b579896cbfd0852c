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

/// ResponseInvalid: the answer could not be understood.
inline Error response_invalid(std::string message) {
  return make_error(ErrorKind::ResponseInvalid, std::move(message));
}

}  // namespace cometapi::detail
