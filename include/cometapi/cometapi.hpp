// Umbrella header: everything a user of the SDK needs. Includes neither curl nor nlohmann/json.
#pragma once

#include "cometapi/buttons.hpp"
#include "cometapi/client.hpp"
#include "cometapi/error.hpp"
#include "cometapi/images.hpp"
#include "cometapi/models.hpp"
#include "cometapi/options.hpp"
#include "cometapi/result.hpp"
#include "cometapi/version.hpp"
#include "cometapi/waiting.hpp"
#include "cometapi/webhook.hpp"
