# For a build against LLVM's libc++ (scripts/test --libcxx), included after project(cometapi)
# through CMAKE_PROJECT_cometapi_INCLUDE. Two of Debian's packages are compiled against libstdc++ and cannot be
# linked into a libc++ program, so their stand-ins are made from source here:
#   GoogleTest   built from the sources Debian ships in /usr/src/googletest (package googletest)
#   cpp-httplib  header-only: the full httplib.h of Debian's own source package (the binary
#                package has a split header and a compiled library); scripts/test downloads and
#                unpacks it and passes its directory as COMETAPI_HTTPLIB_HEADER_DIR.
set(COMETAPI_GTEST_SOURCE_DIR /usr/src/googletest CACHE PATH "GoogleTest's source tree")
set(COMETAPI_HTTPLIB_HEADER_DIR "" CACHE PATH "The directory of a header-only httplib.h")

if(NOT TARGET GTest::gtest_main)
  if(NOT EXISTS ${COMETAPI_GTEST_SOURCE_DIR}/CMakeLists.txt)
    message(FATAL_ERROR "no GoogleTest sources in ${COMETAPI_GTEST_SOURCE_DIR} "
                        "(Debian: apt-get install googletest)")
  endif()
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  set(BUILD_GMOCK ON CACHE BOOL "" FORCE)
  add_subdirectory(${COMETAPI_GTEST_SOURCE_DIR} ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL)
  foreach(_gtest_target gtest gtest_main gmock gmock_main)
    add_library(GTest::${_gtest_target} ALIAS ${_gtest_target})
  endforeach()
  unset(_gtest_target)
endif()

if(NOT TARGET PkgConfig::HTTPLIB)
  if(NOT EXISTS "${COMETAPI_HTTPLIB_HEADER_DIR}/httplib.h")
    message(FATAL_ERROR "set COMETAPI_HTTPLIB_HEADER_DIR to the directory of a header-only "
                        "httplib.h (scripts/test --libcxx fetches one)")
  endif()
  # The features Debian's build has (TLS, zlib, brotli: its .pc file's defines), with the C
  # libraries behind them, which link with any C++ standard library.
  find_package(PkgConfig REQUIRED)
  find_package(Threads REQUIRED)
  pkg_check_modules(COMETAPI_HTTPLIB_FEATURES QUIET cpp-httplib)
  pkg_check_modules(COMETAPI_HTTPLIB_DEPS REQUIRED IMPORTED_TARGET GLOBAL
                    openssl zlib libbrotlicommon libbrotlidec libbrotlienc)
  add_library(PkgConfig::HTTPLIB INTERFACE IMPORTED GLOBAL)
  set_target_properties(PkgConfig::HTTPLIB PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES ${COMETAPI_HTTPLIB_HEADER_DIR}
    INTERFACE_COMPILE_OPTIONS "${COMETAPI_HTTPLIB_FEATURES_CFLAGS_OTHER}"
    INTERFACE_LINK_LIBRARIES "PkgConfig::COMETAPI_HTTPLIB_DEPS;Threads::Threads")
endif()
