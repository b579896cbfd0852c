#include "cometapi/http.hpp"

namespace cometapi {

std::optional<std::string> HttpResponse::header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

}  // namespace cometapi
