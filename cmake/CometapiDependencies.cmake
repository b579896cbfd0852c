# Dependencies of the library itself, found from the system first (Debian: libcurl4-openssl-dev,
# nlohmann-json3-dev). Guarded so that a parent project that already provides them wins.
#
# With COMETAPI_FETCH_MISSING_DEPS=ON (CMake 3.24 or newer), a header-only dependency that
# find_package() cannot find is downloaded with FetchContent instead (FIND_PACKAGE_ARGS: the system
# copy is still preferred). libcurl is never fetched: it must come from the system. CI builds with
# the system packages only and never uses this path.
option(COMETAPI_FETCH_MISSING_DEPS
       "Download header-only dependencies (nlohmann/json, CLI11, GoogleTest) that are missing" OFF)

if(COMETAPI_FETCH_MISSING_DEPS AND CMAKE_VERSION VERSION_LESS 3.24)
  message(FATAL_ERROR "COMETAPI_FETCH_MISSING_DEPS needs CMake 3.24 or newer")
endif()
if(COMETAPI_FETCH_MISSING_DEPS)
  include(FetchContent)
endif()

# cometapi_dependency(<name> <find_package args...> FETCH <FetchContent_Declare args...>)
macro(cometapi_dependency name)
  cmake_parse_arguments(_dep "" "" "FIND;FETCH" ${ARGN})
  if(COMETAPI_FETCH_MISSING_DEPS)
    FetchContent_Declare(${name} ${_dep_FETCH} FIND_PACKAGE_ARGS ${_dep_FIND})
    FetchContent_MakeAvailable(${name})
  else()
    find_package(${name} ${_dep_FIND} REQUIRED)
  endif()
endmacro()

# The oldest libcurl we support (Ubuntu 20.04 has 7.68; Debian 11 7.74; Ubuntu 22.04 7.81). The
# code uses nothing newer than 7.51 (CURLE_WEIRD_SERVER_REPLY) except CURLOPT_PROTOCOLS_STR and
# CURLOPT_REDIR_PROTOCOLS_STR (7.85), which src/http/curl_transport.cpp uses only when
# LIBCURL_VERSION_NUM says they exist, else the older bitmask options. Also the package config's.
set(COMETAPI_CURL_MIN_VERSION 7.68)
if(NOT TARGET CURL::libcurl)
  find_package(CURL ${COMETAPI_CURL_MIN_VERSION} REQUIRED)
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
  cometapi_dependency(nlohmann_json
    FIND 3.11
    FETCH URL https://github.com/nlohmann/json/releases/download/v3.11.3/json.tar.xz
          URL_HASH SHA256=d6c65aca6b1ed68e7a182f4757257b107ae403032760ed6ef121c9d55e81757d)
endif()
if(NOT TARGET Threads::Threads)
  find_package(Threads REQUIRED)
endif()

# What the tests and tools need. Only the fallback is declared here; without it each folder finds
# its own dependency. cpp-httplib (the simulator) always comes from the system, via pkg-config.
if(COMETAPI_FETCH_MISSING_DEPS)
  if(COMETAPI_BUILD_TESTS AND NOT TARGET GTest::gtest_main)
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    cometapi_dependency(GTest
      FIND CONFIG
      FETCH GIT_REPOSITORY https://github.com/google/googletest.git GIT_TAG v1.14.0)
  endif()
  if(COMETAPI_BUILD_TOOLS AND NOT TARGET CLI11::CLI11)
    cometapi_dependency(CLI11
      FIND 2.1 CONFIG
      FETCH GIT_REPOSITORY https://github.com/CLIUtils/CLI11.git GIT_TAG v2.4.2)
  endif()
endif()
