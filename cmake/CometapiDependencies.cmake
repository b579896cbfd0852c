# Dependencies of the library itself. Found from the system (Debian: libcurl4-openssl-dev,
# nlohmann-json3-dev). Guarded so that a parent project that already provides them wins.
if(NOT TARGET CURL::libcurl)
  find_package(CURL 7.68 REQUIRED)
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
  find_package(nlohmann_json 3.11 REQUIRED)
endif()
if(NOT TARGET Threads::Threads)
  find_package(Threads REQUIRED)
endif()
