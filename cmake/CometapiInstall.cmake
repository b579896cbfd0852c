# Install rules and package files for cometapi; included by the top-level CMakeLists.txt when
# COMETAPI_INSTALL is ON. Produces:
#   <libdir>/libcometapi.{a,so}                 the library (EXPORT cometapiTargets)
#   <includedir>/cometapi/*.hpp                 the public headers and the generated version.hpp
#   <libdir>/cmake/cometapi/                    cometapiConfig.cmake, cometapiConfigVersion.cmake,
#                                               cometapiTargets*.cmake (cometapi::cometapi)
#   <libdir>/pkgconfig/cometapi.pc              for pkg-config users
# and, when the simulator target cometapi_testing exists, the optional COMPONENT `testing`:
#   <libdir>/libcometapi_testing.{a,so}, <includedir>/cometapi/testing/fake_server.hpp and
#   <libdir>/cmake/cometapi/cometapiTestingTargets*.cmake, loaded by
#   find_package(cometapi CONFIG COMPONENTS testing);
# and, when cometapi_images exists (COMETAPI_BUILD_IMAGES), the optional COMPONENT `images`:
#   <libdir>/libcometapi_images.{a,so}, <includedir>/cometapi/grid.hpp and
#   <libdir>/cmake/cometapi/cometapiImagesTargets*.cmake, loaded by
#   find_package(cometapi CONFIG COMPONENTS images);
# and, when cometapi_jobs exists (SQLite found), the optional COMPONENT `jobs`:
#   <libdir>/libcometapi_jobs.{a,so}, <includedir>/cometapi/jobs.hpp and
#   <libdir>/cmake/cometapi/cometapiJobsTargets*.cmake, loaded by
#   find_package(cometapi CONFIG COMPONENTS jobs).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(COMETAPI_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/cometapi"
    CACHE STRING "Where to install cometapiConfig.cmake (relative to the prefix)")
mark_as_advanced(COMETAPI_INSTALL_CMAKEDIR)

# --- the library -------------------------------------------------------------------------------
install(TARGETS cometapi
  EXPORT cometapiTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# (The include directory comes from the target's own $<INSTALL_INTERFACE:...>, see src/.)

# The public headers, without testing/, grid.hpp and jobs.hpp (the optional components' own).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/cometapi/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cometapi
  FILES_MATCHING PATTERN "*.hpp"
  PATTERN "testing" EXCLUDE
  PATTERN "grid.hpp" EXCLUDE
  PATTERN "jobs.hpp" EXCLUDE)
install(FILES ${PROJECT_BINARY_DIR}/generated/include/cometapi/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cometapi)

install(EXPORT cometapiTargets
  NAMESPACE cometapi::
  DESTINATION ${COMETAPI_INSTALL_CMAKEDIR})

# --- the optional simulator component ---------------------------------------------------------
set(COMETAPI_HAS_TESTING_COMPONENT OFF)
set(COMETAPI_TESTING_STATIC OFF)
set(COMETAPI_TESTING_EXPORT_NAME testing)
set(COMETAPI_TESTING_NEEDS_JSON OFF)
set(COMETAPI_TESTING_HTTPLIB_PREFIX "")
if(TARGET cometapi_testing)
  set(COMETAPI_HAS_TESTING_COMPONENT ON)
  get_target_property(_cometapi_testing_export_name cometapi_testing EXPORT_NAME)
  if(NOT _cometapi_testing_export_name)
    # Installed as cometapi::testing (the build tree's alias), not cometapi::cometapi_testing.
    set_target_properties(cometapi_testing PROPERTIES EXPORT_NAME testing)
  endif()
  get_target_property(COMETAPI_TESTING_EXPORT_NAME cometapi_testing EXPORT_NAME)
  get_target_property(_cometapi_testing_type cometapi_testing TYPE)
  if(_cometapi_testing_type STREQUAL "STATIC_LIBRARY")
    set(COMETAPI_TESTING_STATIC ON)
  endif()
  # The simulator links cpp-httplib through pkg-config's imported target (PkgConfig::<prefix>); a
  # static build names it in the link interface, so the config recreates it under the same name.
  # Its other private dependencies (nlohmann_json, Threads) are found the same way.
  set(COMETAPI_TESTING_HTTPLIB_PREFIX "")
  set(COMETAPI_TESTING_NEEDS_JSON OFF)
  get_target_property(_cometapi_testing_libs cometapi_testing LINK_LIBRARIES)
  foreach(_cometapi_lib IN LISTS _cometapi_testing_libs)
    if(_cometapi_lib MATCHES "^PkgConfig::(.+)$")
      set(COMETAPI_TESTING_HTTPLIB_PREFIX "${CMAKE_MATCH_1}")
    elseif(_cometapi_lib STREQUAL "nlohmann_json::nlohmann_json")
      set(COMETAPI_TESTING_NEEDS_JSON ON)
    endif()
  endforeach()
  # Add the installed include directory unless the target names one itself.
  get_target_property(_cometapi_testing_incs cometapi_testing INTERFACE_INCLUDE_DIRECTORIES)
  if("${_cometapi_testing_incs}" MATCHES "INSTALL_INTERFACE")
    set(_cometapi_testing_includes "")
  else()
    set(_cometapi_testing_includes INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
  install(TARGETS cometapi_testing
    EXPORT cometapiTestingTargets
    COMPONENT testing
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT testing
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT testing
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT testing
    ${_cometapi_testing_includes})
  install(FILES ${PROJECT_SOURCE_DIR}/include/cometapi/testing/fake_server.hpp
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cometapi/testing
    COMPONENT testing)
  install(EXPORT cometapiTestingTargets
    NAMESPACE cometapi::
    DESTINATION ${COMETAPI_INSTALL_CMAKEDIR}
    COMPONENT testing)
endif()

# --- the optional images (split_grid) and jobs (JobStore, JobRunner) components ----------------
# Installs <target> as COMPONENT <component>: the library, its one public header and the export
# set cometapi<Export>Targets; sets COMETAPI_HAS_<NAME>_COMPONENT and COMETAPI_<NAME>_STATIC (for
# the config, which finds a static library's private dependencies again: libpng, libjpeg and
# libwebp for images, as PkgConfig::COMETAPI_WEBP, the build's name; SQLite and nlohmann_json
# for jobs).
function(cometapi_install_component target component export header)
  string(TOUPPER "${component}" name)
  set(COMETAPI_HAS_${name}_COMPONENT OFF PARENT_SCOPE)
  set(COMETAPI_${name}_STATIC OFF PARENT_SCOPE)
  if(NOT TARGET ${target})
    return()
  endif()
  set(COMETAPI_HAS_${name}_COMPONENT ON PARENT_SCOPE)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "STATIC_LIBRARY")
    set(COMETAPI_${name}_STATIC ON PARENT_SCOPE)
  endif()
  install(TARGETS ${target}
    EXPORT cometapi${export}Targets
    COMPONENT ${component}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT ${component}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT ${component}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT ${component})
  install(FILES ${PROJECT_SOURCE_DIR}/include/cometapi/${header}
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cometapi
    COMPONENT ${component})
  install(EXPORT cometapi${export}Targets
    NAMESPACE cometapi::
    DESTINATION ${COMETAPI_INSTALL_CMAKEDIR}
    COMPONENT ${component})
endfunction()
cometapi_install_component(cometapi_images images Images grid.hpp)
cometapi_install_component(cometapi_jobs jobs Jobs jobs.hpp)

# --- cometapiConfig.cmake and cometapiConfigVersion.cmake --------------------------------------
# A static library carries its private link dependencies in its link interface as
# $<LINK_ONLY:...>, so the config must find CURL and nlohmann_json for it; a shared one needs only
# Threads.
get_target_property(_cometapi_type cometapi TYPE)
if(_cometapi_type STREQUAL "STATIC_LIBRARY")
  set(COMETAPI_STATIC ON)
else()
  set(COMETAPI_STATIC OFF)
endif()

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/cometapiConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cometapiConfig.cmake
  INSTALL_DESTINATION ${COMETAPI_INSTALL_CMAKEDIR}
  NO_SET_AND_CHECK_MACRO)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cometapiConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cometapiConfig.cmake
  ${PROJECT_BINARY_DIR}/cometapiConfigVersion.cmake
  DESTINATION ${COMETAPI_INSTALL_CMAKEDIR})

# --- cometapi.pc ------------------------------------------------------------------------------
# Written at install time so that the prefix in it is the one actually installed to
# (`cmake --install <dir> --prefix <p>` overrides CMAKE_INSTALL_PREFIX only then).
set(_cometapi_pc_in ${PROJECT_SOURCE_DIR}/cmake/cometapi.pc.in)
set(_cometapi_pc_out ${PROJECT_BINARY_DIR}/pkgconfig/cometapi.pc)
foreach(_cometapi_dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_cometapi_dir}}")
    set(_cometapi_pc_${_cometapi_dir} "${CMAKE_INSTALL_${_cometapi_dir}}")
  else()
    set(_cometapi_pc_${_cometapi_dir} "\${prefix}/${CMAKE_INSTALL_${_cometapi_dir}}")
  endif()
endforeach()
# The link flags for libcurl: those of the library this build used (CURL::libcurl), as -L<dir>
# -l<name>, the -L left out for a directory the linker searches anyway.
set(_cometapi_pc_curl "-lcurl")
set(_cometapi_curl_file "")
get_target_property(_cometapi_prop CURL::libcurl TYPE)
if(NOT _cometapi_prop STREQUAL "INTERFACE_LIBRARY")
  foreach(_cometapi_prop IMPORTED_LOCATION IMPORTED_LOCATION_RELEASE IMPORTED_LOCATION_NOCONFIG
                         IMPORTED_LOCATION_RELWITHDEBINFO)
    get_target_property(_cometapi_curl_file CURL::libcurl ${_cometapi_prop})
    if(_cometapi_curl_file)
      break()
    endif()
  endforeach()
endif()
if(_cometapi_curl_file)
  get_filename_component(_cometapi_curl_dir "${_cometapi_curl_file}" DIRECTORY)
  get_filename_component(_cometapi_curl_name "${_cometapi_curl_file}" NAME)
  if(_cometapi_curl_name MATCHES "^lib(.+)\\.(so|dylib|a)(\\..*)?$")
    set(_cometapi_pc_curl "-l${CMAKE_MATCH_1}")
    if(NOT _cometapi_curl_dir IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES)
      set(_cometapi_pc_curl "-L${_cometapi_curl_dir} ${_cometapi_pc_curl}")
    endif()
  else()
    set(_cometapi_pc_curl "${_cometapi_curl_file}")
  endif()
endif()
# A shared libcometapi brings libcurl itself: a consumer links -lcometapi only (curl and threads
# are private, for `--static`). A static libcometapi.a needs them on every link line, so they go
# into Libs, where plain `pkg-config --libs` prints them.
if(_cometapi_type STREQUAL "STATIC_LIBRARY")
  set(_cometapi_pc_kind "static library")
  set(_cometapi_pc_libs " ${_cometapi_pc_curl} -pthread")
  set(_cometapi_pc_libs_private "")
else()
  set(_cometapi_pc_kind "shared library")
  set(_cometapi_pc_libs "")
  set(_cometapi_pc_libs_private " ${_cometapi_pc_curl} -pthread")
endif()
install(CODE "
  set(COMETAPI_PC_KIND [[${_cometapi_pc_kind}]])
  set(COMETAPI_PC_LIBS [[${_cometapi_pc_libs}]])
  set(COMETAPI_PC_LIBS_PRIVATE [[${_cometapi_pc_libs_private}]])
  set(PROJECT_NAME [[${PROJECT_NAME}]])
  set(PROJECT_VERSION [[${PROJECT_VERSION}]])
  set(PROJECT_DESCRIPTION [[${PROJECT_DESCRIPTION}]])
  set(PROJECT_HOMEPAGE_URL [[${PROJECT_HOMEPAGE_URL}]])
  set(COMETAPI_PC_LIBDIR [[${_cometapi_pc_LIBDIR}]])
  set(COMETAPI_PC_INCLUDEDIR [[${_cometapi_pc_INCLUDEDIR}]])
  set(COMETAPI_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file([[${_cometapi_pc_in}]] [[${_cometapi_pc_out}]] @ONLY)
")
install(FILES ${_cometapi_pc_out} DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

unset(_cometapi_pc_curl)
unset(_cometapi_pc_kind)
unset(_cometapi_pc_libs)
unset(_cometapi_pc_libs_private)
unset(_cometapi_prop)
unset(_cometapi_curl_file)
unset(_cometapi_curl_dir)
unset(_cometapi_curl_name)
unset(_cometapi_pc_in)
unset(_cometapi_pc_out)
unset(_cometapi_pc_LIBDIR)
unset(_cometapi_pc_INCLUDEDIR)
unset(_cometapi_dir)
unset(_cometapi_type)
unset(_cometapi_testing_type)
unset(_cometapi_testing_export_name)
unset(_cometapi_testing_libs)
unset(_cometapi_lib)
unset(_cometapi_testing_incs)
unset(_cometapi_testing_includes)
