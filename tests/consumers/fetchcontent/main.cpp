// Consumer smoke test (fetchcontent): a program outside the SDK's tree includes the umbrella
// header, builds a client and makes one call. 127.0.0.1:9 has no listener, so the call fails with
// a connection error, which is printed; that it compiles, links and runs is what is tested.
#include <cometapi/cometapi.hpp>

// The public headers must not drag in the SDK's private dependencies.
#ifdef CURLINC_CURL_H
#error "<cometapi/cometapi.hpp> included curl/curl.h"
#endif
#ifdef INCLUDE_NLOHMANN_JSON_HPP_
#error "<cometapi/cometapi.hpp> included nlohmann/json.hpp"
#endif
#ifdef INCLUDE_NLOHMANN_JSON_FWD_HPP_
#error "<cometapi/cometapi.hpp> included nlohmann/json_fwd.hpp"
#endif

#include <iostream>
#include <string>
#include <string_view>

int main() {
  cometapi::ClientOptions options;
  options.api_key = "k";
  options.base_url = "http://127.0.0.1:9";
  options.retry.max_retries = 0;
  cometapi::CometClient client(options);

  auto task = client.fetch_task("1");
  std::cout << "cometapi " << cometapi::kVersion << ": fetch_task(\"1\") -> "
            << (task.ok() ? std::string("ok (unexpected)") : task.error().to_string()) << '\n';
  return 0;
}
