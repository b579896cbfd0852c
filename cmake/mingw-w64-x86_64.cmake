# CMake toolchain file: Windows x86-64 with Debian's MinGW-w64 cross compiler (the "posix"
# threading flavour, which has std::thread and std::mutex). Used by `scripts/test --mingw`:
#   cmake -S . -B build-mingw -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake \
#     -DCMAKE_PROJECT_cometapi_INCLUDE=cmake/CometapiCrossHeaders.cmake ...
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(COMETAPI_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${COMETAPI_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${COMETAPI_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${COMETAPI_MINGW_TRIPLE}-windres)

# Libraries and headers for the target come from the MinGW tree only; programs from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${COMETAPI_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
