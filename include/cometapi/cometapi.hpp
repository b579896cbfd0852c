/// \file
/// Umbrella header: everything a user of the SDK needs. Includes neither curl nor nlohmann/json.
/// The simulator is separate: cometapi/testing/fake_server.hpp.

/// \namespace cometapi
/// The SDK: CometClient and its request and result types, Result and Error, the button helpers,
/// TaskPoller and TaskWatcher, and the webhook helpers. What is public and stable is listed in
/// docs/public-api.md; the nested namespace `detail` is not part of it.
#pragma once

#include "cometapi/buttons.hpp"
#include "cometapi/client.hpp"
#include "cometapi/clock.hpp"
#include "cometapi/error.hpp"
#include "cometapi/http.hpp"
#include "cometapi/images.hpp"
#include "cometapi/models.hpp"
#include "cometapi/options.hpp"
#include "cometapi/result.hpp"
#include "cometapi/version.hpp"
#include "cometapi/waiting.hpp"
#include "cometapi/webhook.hpp"
