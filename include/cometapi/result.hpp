/// \file
/// Result<T>: a value or an Error, and Done for calls that return nothing.
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
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<T, Error>, "Result<Error> is ambiguous");

 public:
  /// A success holding `value` (implicit, so a function returning Result<T> can return a T).
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  /// A failure holding `error` (implicit, so a function can return an Error).
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  /// True when the Result holds a value.
  bool ok() const noexcept { return data_.index() == 0; }
  /// ok(), so that `if (result)` reads naturally.
  explicit operator bool() const noexcept { return ok(); }

  /// The value; throws cometapi::Exception carrying the Error when !ok().
  T& value() & {
    check();
    return std::get<0>(data_);
  }
  /// The value; throws cometapi::Exception carrying the Error when !ok().
  const T& value() const& {
    check();
    return std::get<0>(data_);
  }
  /// The value, moved out (by value, so `for (auto& t : f().value())` is safe on a temporary);
  /// throws cometapi::Exception carrying the Error when !ok().
  T value() && {
    check();
    return std::get<0>(std::move(data_));
  }

  /// The error. Precondition: !ok(); on a success std::get throws std::bad_variant_access.
  const Error& error() const& { return std::get<1>(data_); }
  /// The error, moved out (by value). Precondition: !ok().
  Error error() && { return std::get<1>(std::move(data_)); }

  /// The value, or `fallback` when !ok().
  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<0>(data_) : static_cast<T>(std::forward<U>(fallback));
  }

  /// value(): throws cometapi::Exception when !ok().
  T& operator*() & { return value(); }
  /// std::move(*this).value(): the value by value.
  T operator*() && { return std::move(*this).value(); }
  /// value(): throws cometapi::Exception when !ok().
  const T& operator*() const& { return value(); }
  /// &value(): throws cometapi::Exception when !ok().
  T* operator->() { return &value(); }
  /// &value(): throws cometapi::Exception when !ok().
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
