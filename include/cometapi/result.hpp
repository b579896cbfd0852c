// Result<T>: a value or an Error.
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "cometapi/error.hpp"

namespace cometapi {

/// Holds either a T or an Error. Check with ok() / operator bool, or call value(), which throws
/// cometapi::Exception on failure; nothing else in the SDK throws.
///
/// Not thread-safe for concurrent mutation; a const Result may be read from many threads.
template <class T>
class Result {
  static_assert(!std::is_same_v<T, Error>, "Result<Error> is ambiguous");

 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  /// The value; throws cometapi::Exception carrying the Error when !ok().
  T& value() & {
    check();
    return std::get<0>(data_);
  }
  const T& value() const& {
    check();
    return std::get<0>(data_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(data_));
  }

  /// The error. Precondition: !ok() (checked: calling it on a success is undefined otherwise).
  const Error& error() const& { return std::get<1>(data_); }
  Error&& error() && { return std::get<1>(std::move(data_)); }

  /// The value, or `fallback` when !ok().
  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(data_) : static_cast<T>(std::forward<U>(fallback));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void check() const {
    if (!ok()) throw Exception(std::get<1>(data_));
  }
  std::variant<T, Error> data_;
};

/// Result of an operation that returns nothing on success.
struct Done {};

}  // namespace cometapi
