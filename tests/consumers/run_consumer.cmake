# Driver of one consumer test (see CMakeLists.txt beside this file):
#   cmake -DMODE=<mode> -DPARAMS=<consumer_params.cmake> [-DCONFIG=<config>] -P run_consumer.cmake
# Modes:
#   install               cmake --install the SDK's build into a fresh prefix and check its layout
#   find_package          build and run find_package/ against that prefix
#   find_package_testing  the same with COMPONENTS testing and the simulator
#   find_package_images   the same with COMPONENTS images (split_grid)
#   find_package_jobs     the same with COMPONENTS jobs (a JobStore on a real SQLite file)
#   add_subdirectory      build and run add_subdirectory/ over the SDK's source tree
#   add_subdirectory_testing  the same with COMETAPI_BUILD_TESTING_LIB and cometapi::testing
#   fetchcontent          build and run fetchcontent/ (FetchContent with SOURCE_DIR, no network)
#   pkgconfig_shared      compile, link and run pkgconfig/main.cpp with the compiler and what
#   pkgconfig_static      `pkg-config [--static] --cflags --libs cometapi` prints, nothing else,
#                         against a shared / a static install (this build's install tree when it is
#                         of that kind, else the library built and installed again as that kind)
#   headers               each public header alone: self-contained, and pulls in no curl, JSON or
#                         HTTP library (the dependency list of `<compiler> -M`)
# Every mode works in its own directory, which it empties first.
cmake_minimum_required(VERSION 3.16)

if(NOT MODE OR NOT PARAMS)
  message(FATAL_ERROR "usage: cmake -DMODE=<mode> -DPARAMS=<file> -P run_consumer.cmake")
endif()
include(${PARAMS})
# CONFIG is the SDK build's configuration ($<CONFIG>), empty for a single-config build without
# CMAKE_BUILD_TYPE; the consumers are then built as Release.
set(build_config "${CONFIG}")
if("${build_config}" STREQUAL "")
  set(build_config Release)
endif()

# The install must land in INSTALL_PREFIX itself, not under a staging dir from the environment.
unset(ENV{DESTDIR})
# Builds below choose their own parallelism (-j2); a jobserver inherited from make would not fit.
unset(ENV{MAKEFLAGS})
unset(ENV{MFLAGS})

set(work_dir ${CONSUMER_BINARY_DIR}/work/${MODE})

function(run)
  execute_process(COMMAND ${ARGN} COMMAND_ECHO STDOUT RESULT_VARIABLE rc)
  if(NOT rc STREQUAL "0")
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "consumer.${MODE}: command failed (${rc}):\n  ${cmd}")
  endif()
endfunction()

function(fresh_dir dir)
  file(REMOVE_RECURSE ${dir})
  file(MAKE_DIRECTORY ${dir})
endfunction()

# Configures <project> in work_dir with the SDK build's generator, compiler and flags, builds it
# with -j2 and runs the program it makes.
function(build_and_run project program)
  fresh_dir(${work_dir})
  set(args -S ${CONSUMER_SOURCE_DIR}/${project} -B ${work_dir} -G ${GENERATOR}
      -DCMAKE_BUILD_TYPE=${build_config}
      -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
      "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
      "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}")
  if(MAKE_PROGRAM)
    list(APPEND args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
  endif()
  if(GENERATOR_PLATFORM)
    list(APPEND args -A ${GENERATOR_PLATFORM})
  endif()
  if(GENERATOR_TOOLSET)
    list(APPEND args -T ${GENERATOR_TOOLSET})
  endif()
  run(${CMAKE_COMMAND} ${args} ${ARGN})
  run(${CMAKE_COMMAND} --build ${work_dir} --config ${build_config} --parallel 2)
  set(exe "")
  foreach(candidate ${work_dir}/${program} ${work_dir}/${build_config}/${program}
                    ${work_dir}/${program}.exe ${work_dir}/${build_config}/${program}.exe)
    if(EXISTS ${candidate} AND NOT IS_DIRECTORY ${candidate})
      set(exe ${candidate})
      break()
    endif()
  endforeach()
  if(NOT exe)
    message(FATAL_ERROR "consumer.${MODE}: the build made no ${program}")
  endif()
  run(${exe})
endfunction()

function(expect_file path)
  if(NOT EXISTS ${path})
    message(FATAL_ERROR "consumer.${MODE}: expected ${path}")
  endif()
endfunction()

function(expect_no_file path)
  if(EXISTS ${path})
    message(FATAL_ERROR "consumer.${MODE}: ${path} must not be there")
  endif()
endfunction()

# The SDK as a subproject: its tests, tools, examples and install rules stay off. Its sources are
# compiled as a unity build: these tests check how the project is consumed, which that does not
# change, and it makes each of these builds several times quicker (the SDK's own build compiles
# every file alone).
set(subproject_args
    -DCOMETAPI_SOURCE_DIR=${COMETAPI_SOURCE_DIR}
    -DCMAKE_UNITY_BUILD=ON
    -DCOMETAPI_BUILD_TESTS=OFF
    -DCOMETAPI_BUILD_EXAMPLES=OFF
    -DCOMETAPI_BUILD_TOOLS=OFF
    -DCOMETAPI_BUILD_TESTING_LIB=OFF
    -DCOMETAPI_BUILD_BENCHMARKS=OFF
    -DCOMETAPI_BUILD_FUZZERS=OFF
    -DCOMETAPI_INSTALL=OFF)
if(NOT "${BUILD_SHARED_LIBS}" STREQUAL "")
  list(APPEND subproject_args -DBUILD_SHARED_LIBS=${BUILD_SHARED_LIBS})
endif()

if(IS_ABSOLUTE "${INSTALL_LIBDIR}")
  set(libdir ${INSTALL_LIBDIR})
else()
  set(libdir ${INSTALL_PREFIX}/${INSTALL_LIBDIR})
endif()
if(IS_ABSOLUTE "${INSTALL_INCLUDEDIR}")
  set(includedir ${INSTALL_INCLUDEDIR})
else()
  set(includedir ${INSTALL_PREFIX}/${INSTALL_INCLUDEDIR})
endif()

if(MODE STREQUAL "install")
  fresh_dir(${INSTALL_PREFIX})
  set(config_args "")
  if(NOT "${CONFIG}" STREQUAL "")
    set(config_args --config ${CONFIG})
  endif()
  run(${CMAKE_COMMAND} --install ${COMETAPI_BINARY_DIR} --prefix ${INSTALL_PREFIX} ${config_args})
  foreach(f cometapi.hpp client.hpp error.hpp options.hpp result.hpp models.hpp version.hpp)
    expect_file(${includedir}/cometapi/${f})
  endforeach()
  foreach(f cometapiConfig.cmake cometapiConfigVersion.cmake cometapiTargets.cmake)
    expect_file(${libdir}/cmake/cometapi/${f})
  endforeach()
  expect_file(${libdir}/pkgconfig/cometapi.pc)
  # Private headers (src/) never ship; the simulator's header ships only with its component.
  file(GLOB_RECURSE installed_headers RELATIVE ${includedir} ${includedir}/*)
  foreach(h IN LISTS installed_headers)
    if(NOT h MATCHES "^cometapi/[^/]+\\.hpp$" AND NOT h STREQUAL "cometapi/testing/fake_server.hpp")
      message(FATAL_ERROR "consumer.${MODE}: unexpected file installed: ${includedir}/${h}")
    endif()
  endforeach()
  if(COMETAPI_HAS_TESTING)
    expect_file(${includedir}/cometapi/testing/fake_server.hpp)
    expect_file(${libdir}/cmake/cometapi/cometapiTestingTargets.cmake)
  else()
    expect_no_file(${includedir}/cometapi/testing)
  endif()
  if(COMETAPI_HAS_IMAGES)
    expect_file(${includedir}/cometapi/grid.hpp)
    expect_file(${libdir}/cmake/cometapi/cometapiImagesTargets.cmake)
  else()
    expect_no_file(${includedir}/cometapi/grid.hpp)
  endif()
  if(COMETAPI_HAS_JOBS)
    expect_file(${includedir}/cometapi/jobs.hpp)
    expect_file(${libdir}/cmake/cometapi/cometapiJobsTargets.cmake)
  else()
    expect_no_file(${includedir}/cometapi/jobs.hpp)
  endif()
  file(READ ${libdir}/pkgconfig/cometapi.pc pc)
  string(FIND "${pc}" "prefix=${INSTALL_PREFIX}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "consumer.${MODE}: cometapi.pc does not name the install prefix:\n${pc}")
  endif()

elseif(MODE STREQUAL "find_package")
  build_and_run(find_package cometapi_consumer
    -DCMAKE_PREFIX_PATH=${INSTALL_PREFIX}
    -DCOMETAPI_EXPECTED_PREFIX=${INSTALL_PREFIX}
    -DCOMETAPI_EXPECTED_VERSION=${COMETAPI_VERSION})

elseif(MODE STREQUAL "find_package_testing")
  build_and_run(find_package_testing cometapi_consumer_testing
    -DCMAKE_PREFIX_PATH=${INSTALL_PREFIX}
    -DCOMETAPI_EXPECTED_PREFIX=${INSTALL_PREFIX})

elseif(MODE STREQUAL "find_package_images")
  build_and_run(find_package_images cometapi_consumer_images
    -DCMAKE_PREFIX_PATH=${INSTALL_PREFIX}
    -DCOMETAPI_EXPECTED_PREFIX=${INSTALL_PREFIX})

elseif(MODE STREQUAL "find_package_jobs")
  build_and_run(find_package_jobs cometapi_consumer_jobs
    -DCMAKE_PREFIX_PATH=${INSTALL_PREFIX}
    -DCOMETAPI_EXPECTED_PREFIX=${INSTALL_PREFIX})

elseif(MODE STREQUAL "add_subdirectory")
  build_and_run(add_subdirectory cometapi_consumer ${subproject_args})

elseif(MODE STREQUAL "add_subdirectory_testing")
  # Its CMakeLists.txt turns COMETAPI_BUILD_TESTING_LIB on (a normal variable beats the cache
  # entry subproject_args sets), as a user would.
  build_and_run(add_subdirectory_testing cometapi_consumer_testing ${subproject_args})

elseif(MODE STREQUAL "fetchcontent")
  build_and_run(fetchcontent cometapi_consumer ${subproject_args}
    -DFETCHCONTENT_FULLY_DISCONNECTED=ON)

elseif(MODE MATCHES "^pkgconfig_(shared|static)$")
  set(kind ${CMAKE_MATCH_1})
  fresh_dir(${work_dir})
  # The install of this build when it is of the kind under test; else the library alone, built
  # and installed again as the other kind.
  set(this_kind shared)
  if(COMETAPI_LIB_TYPE STREQUAL "STATIC_LIBRARY")
    set(this_kind static)
  endif()
  if(kind STREQUAL this_kind)
    set(pc_libdir ${libdir})
  else()
    if(kind STREQUAL "shared")
      set(shared ON)
    else()
      set(shared OFF)
    endif()
    set(sdk_build ${work_dir}/sdk-build)
    set(sdk_prefix ${work_dir}/prefix)
    set(args -S ${COMETAPI_SOURCE_DIR} -B ${sdk_build} -G ${GENERATOR}
        -DCMAKE_BUILD_TYPE= -DBUILD_SHARED_LIBS=${shared}
        -DCMAKE_CXX_COMPILER=${CXX_COMPILER} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
        -DCMAKE_INSTALL_LIBDIR=lib -DCOMETAPI_INSTALL=ON
        -DCOMETAPI_BUILD_TESTS=OFF -DCOMETAPI_BUILD_EXAMPLES=OFF -DCOMETAPI_BUILD_TOOLS=OFF
        -DCOMETAPI_BUILD_TESTING_LIB=OFF -DCOMETAPI_BUILD_BENCHMARKS=OFF
        -DCOMETAPI_BUILD_FUZZERS=OFF)
    if(MAKE_PROGRAM)
      list(APPEND args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
    endif()
    run(${CMAKE_COMMAND} ${args})
    run(${CMAKE_COMMAND} --build ${sdk_build} --config ${build_config} --parallel 2)
    run(${CMAKE_COMMAND} --install ${sdk_build} --prefix ${sdk_prefix} --config ${build_config})
    set(pc_libdir ${sdk_prefix}/lib)
  endif()
  if(kind STREQUAL "shared")
    expect_file(${pc_libdir}/libcometapi.so)
    expect_no_file(${pc_libdir}/libcometapi.a)
  else()
    expect_file(${pc_libdir}/libcometapi.a)
    expect_no_file(${pc_libdir}/libcometapi.so)
  endif()

  set(ENV{PKG_CONFIG_PATH} ${pc_libdir}/pkgconfig)
  function(pkg_config out)
    execute_process(COMMAND ${PKG_CONFIG} --print-errors ${ARGN}
      OUTPUT_VARIABLE text RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT rc STREQUAL "0")
      message(FATAL_ERROR "consumer.${MODE}: pkg-config ${ARGN} failed (${rc})")
    endif()
    message(STATUS "pkg-config ${ARGN}: ${text}")
    set(${out} "${text}" PARENT_SCOPE)
  endfunction()
  pkg_config(pc_version --modversion cometapi)
  if(NOT pc_version STREQUAL COMETAPI_VERSION)
    message(FATAL_ERROR "consumer.${MODE}: pkg-config says version '${pc_version}', "
                        "expected ${COMETAPI_VERSION}")
  endif()
  # A shared libcometapi brings libcurl itself; a static one needs it on the plain link line.
  pkg_config(plain_libs --libs cometapi)
  if(kind STREQUAL "shared" AND plain_libs MATCHES "-lcurl")
    message(FATAL_ERROR "consumer.${MODE}: a shared cometapi must not put -lcurl in Libs")
  elseif(kind STREQUAL "static" AND NOT plain_libs MATCHES "-lcurl")
    message(FATAL_ERROR "consumer.${MODE}: a static cometapi needs -lcurl in Libs")
  endif()
  # The program is compiled and linked with what pkg-config prints and nothing else, once as
  # `pkg-config --cflags --libs` and once with `--static`; each must link and run. (The shared
  # library is found at run time through LD_LIBRARY_PATH, not a flag on the link line.)
  separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS} ${EXE_LINKER_FLAGS}")
  foreach(variant plain static)
    if(variant STREQUAL "static")
      pkg_config(pc_flags --static --cflags --libs cometapi)
    else()
      pkg_config(pc_flags --cflags --libs cometapi)
    endif()
    separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
    set(exe ${work_dir}/cometapi_consumer_${variant})
    run(${CXX_COMPILER} ${cxx_flags} -std=c++17 ${CONSUMER_SOURCE_DIR}/pkgconfig/main.cpp
        -o ${exe} ${pc_flags})
    run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${pc_libdir} ${exe})
  endforeach()

elseif(MODE STREQUAL "headers")
  fresh_dir(${work_dir})
  set(include_args -I${COMETAPI_SOURCE_DIR}/include -I${COMETAPI_BINARY_DIR}/generated/include)
  file(GLOB headers RELATIVE ${COMETAPI_SOURCE_DIR}/include
       ${COMETAPI_SOURCE_DIR}/include/cometapi/*.hpp
       ${COMETAPI_SOURCE_DIR}/include/cometapi/testing/*.hpp)
  list(APPEND headers cometapi/version.hpp)
  list(REMOVE_DUPLICATES headers)
  list(SORT headers)
  set(failures "")
  foreach(h IN LISTS headers)
    string(MAKE_C_IDENTIFIER "${h}" stem)
    set(tu ${work_dir}/${stem}.cpp)
    file(WRITE ${tu} "#include <${h}>\n")
    # Self-contained: the header compiles on its own.
    execute_process(COMMAND ${CXX_COMPILER} -std=c++17 -fsyntax-only ${include_args} ${tu}
      RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc STREQUAL "0")
      string(APPEND failures "  ${h} does not compile on its own:\n${err}\n")
      continue()
    endif()
    # Light: the full dependency list (-M, system headers included) names no private dependency.
    execute_process(COMMAND ${CXX_COMPILER} -std=c++17 -M ${include_args} ${tu}
      RESULT_VARIABLE rc OUTPUT_VARIABLE deps ERROR_VARIABLE err)
    if(NOT rc STREQUAL "0")
      string(APPEND failures "  ${h}: ${CXX_COMPILER} -M failed:\n${err}\n")
      continue()
    endif()
    foreach(forbidden "curl/" "nlohmann/" "httplib\\.h")
      if(deps MATCHES "[^ ]*${forbidden}[^ \n]*")
        string(APPEND failures "  <${h}> pulls in ${CMAKE_MATCH_0}\n")
      endif()
    endforeach()
    message(STATUS "ok: <${h}>")
  endforeach()
  if(failures)
    message(FATAL_ERROR "consumer.${MODE}: public headers are not light:\n${failures}")
  endif()

else()
  message(FATAL_ERROR "run_consumer.cmake: unknown MODE '${MODE}'")
endif()
