# For a compile-only cross build (scripts/test --mingw): Debian has no Windows builds of libcurl,
# nlohmann/json, CLI11 or cpp-httplib, but their headers are the same on every platform (curl's
# <curl/system.h> picks its types from the compiler's own macros). This file, included after
# project() through CMAKE_PROJECT_cometapi_INCLUDE, makes header-only stand-ins for those targets
# from the host's headers, so the sources compile and the static libraries archive; nothing
# links.
#
# Only the four header directories are exposed (through links in the build tree): adding the
# host's /usr/include itself would put glibc's headers in front of MinGW's.
set(COMETAPI_CROSS_HOST_INCLUDE_DIRS "/usr/include/x86_64-linux-gnu;/usr/include"
    CACHE STRING "Where the host's curl, nlohmann, CLI11 and httplib headers are (Debian amd64)")

set(_cross_dir ${CMAKE_BINARY_DIR}/cross-headers)
file(MAKE_DIRECTORY ${_cross_dir})
foreach(_entry curl nlohmann CLI httplib.h)
  unset(_found)
  foreach(_dir IN LISTS COMETAPI_CROSS_HOST_INCLUDE_DIRS)
    if(EXISTS ${_dir}/${_entry})
      set(_found ${_dir}/${_entry})
      break()
    endif()
  endforeach()
  if(NOT _found)
    message(FATAL_ERROR "cross build: no ${_entry} in ${COMETAPI_CROSS_HOST_INCLUDE_DIRS} "
                        "(Debian: libcurl4-openssl-dev nlohmann-json3-dev libcli11-dev "
                        "libcpp-httplib-dev)")
  endif()
  file(CREATE_LINK ${_found} ${_cross_dir}/${_entry} SYMBOLIC)
endforeach()

foreach(_target CURL::libcurl nlohmann_json::nlohmann_json CLI11::CLI11 PkgConfig::HTTPLIB)
  if(NOT TARGET ${_target})
    add_library(${_target} INTERFACE IMPORTED GLOBAL)
    set_target_properties(${_target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${_cross_dir})
  endif()
endforeach()
set_property(TARGET CURL::libcurl PROPERTY INTERFACE_COMPILE_DEFINITIONS CURL_STATICLIB)

# The optional libraries' dependencies (images: libpng, libjpeg, libwebp; jobs: SQLite) as empty
# stand-ins: their targets exist, so cometmj configures; only the core library and cometmj's own
# objects are compiled, and neither includes those libraries' headers.
foreach(_target PNG::PNG JPEG::JPEG PkgConfig::COMETAPI_WEBP SQLite::SQLite3)
  if(NOT TARGET ${_target})
    add_library(${_target} INTERFACE IMPORTED GLOBAL)
  endif()
endforeach()

unset(_cross_dir)
unset(_entry)
unset(_found)
unset(_dir)
unset(_target)
