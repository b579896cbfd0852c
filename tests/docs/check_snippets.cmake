# Compiles every C++ code block of the Markdown documentation, so that a doc cannot show code that
# does not build. Run by ctest (tests/docs/CMakeLists.txt) as:
#
#   cmake -DPARAMS=<snippet_params.cmake> -P check_snippets.cmake
#
# PARAMS sets SOURCE_DIR, WORK_DIR, CXX and INCLUDE_DIRS (a list). The files read are README.md,
# docs/*.md and docs/adr/*.md. The convention:
#
#   ```cpp            a complete translation unit (its own #includes): compiled with
#                     `CXX -std=c++17 -fsyntax-only -I<INCLUDE_DIRS>`; a `#line` directive makes the
#                     compiler's messages point at the Markdown file and line
#   ```cpp-fragment   deliberately incomplete code: shown, not compiled (use sparingly)
#   anything else     (sh, cmake, text, json ...) ignored
#
# Compilations run in parallel batches; a failed snippet is compiled again on its own so that its
# messages are not interleaved with others'. Prints one summary line and fails when any snippet
# does not compile.
cmake_minimum_required(VERSION 3.16)

if(NOT PARAMS OR NOT EXISTS "${PARAMS}")
  message(FATAL_ERROR "check_snippets.cmake: pass -DPARAMS=<snippet_params.cmake>")
endif()
include("${PARAMS}")

set(_languages cpp c++ cxx)
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

file(GLOB _docs LIST_DIRECTORIES false "${SOURCE_DIR}/docs/*.md" "${SOURCE_DIR}/docs/adr/*.md")
list(SORT _docs)
set(_markdown "")
if(EXISTS "${SOURCE_DIR}/README.md")
  list(APPEND _markdown "${SOURCE_DIR}/README.md")
endif()
list(APPEND _markdown ${_docs})

set(_snippets "")    # paths of the extracted .cpp files
set(_origins "")     # "docs/x.md:LINE" for each, same order
set(_fragments 0)
set(_files_with_code 0)

foreach(_md IN LISTS _markdown)
  file(RELATIVE_PATH _rel "${SOURCE_DIR}" "${_md}")
  string(REGEX REPLACE "[^A-Za-z0-9]" "_" _stem "${_rel}")
  # Read the whole file and walk it line by line with string(FIND): never as a CMake list, since
  # C++ is full of ';' and '[' that list handling would mangle.
  file(READ "${_md}" _rest)
  set(_line_no 0)
  set(_in_block OFF)
  set(_count 0)
  while(NOT _rest STREQUAL "")
    string(FIND "${_rest}" "\n" _nl)
    if(_nl EQUAL -1)
      set(_line "${_rest}")
      set(_rest "")
    else()
      string(SUBSTRING "${_rest}" 0 ${_nl} _line)
      math(EXPR _next "${_nl} + 1")
      string(SUBSTRING "${_rest}" ${_next} -1 _rest)
    endif()
    math(EXPR _line_no "${_line_no} + 1")
    string(REGEX REPLACE "\r$" "" _line "${_line}")

    if(NOT _in_block)
      if(_line MATCHES "^( *)(```+|~~~+)[ ]*([^ `]*)")
        string(LENGTH "${CMAKE_MATCH_1}" _indent)
        set(_fence "${CMAKE_MATCH_2}")
        string(TOLOWER "${CMAKE_MATCH_3}" _info)
        set(_in_block ON)
        set(_compile OFF)
        if(_info IN_LIST _languages)
          set(_compile ON)
          math(EXPR _count "${_count} + 1")
          math(EXPR _first "${_line_no} + 1")
          set(_code "#line ${_first} \"${_rel}\"\n")
          set(_origin "${_rel}:${_first}")
        elseif(_info STREQUAL "cpp-fragment")
          math(EXPR _fragments "${_fragments} + 1")
        endif()
      endif()
    else()
      # A closing fence: the same character, at least as long, nothing after it but spaces.
      set(_closes OFF)
      if(_line MATCHES "^ *(```+|~~~+) *$")
        set(_closing "${CMAKE_MATCH_1}")
        string(SUBSTRING "${_closing}" 0 1 _closing_char)
        string(SUBSTRING "${_fence}" 0 1 _fence_char)
        string(LENGTH "${_closing}" _closing_length)
        string(LENGTH "${_fence}" _fence_length)
        if(_closing_char STREQUAL _fence_char AND NOT _closing_length LESS _fence_length)
          set(_closes ON)
        endif()
      endif()
      if(_closes)
        set(_in_block OFF)
        if(_compile)
          set(_file "${WORK_DIR}/${_stem}_${_count}.cpp")
          file(WRITE "${_file}" "${_code}")
          list(APPEND _snippets "${_file}")
          list(APPEND _origins "${_origin}")
        endif()
      elseif(_compile)
        # Drop the fence's own indentation (a block inside a list item).
        if(_indent GREATER 0)
          string(REGEX REPLACE "^ {0,${_indent}}" "" _line "${_line}")
        endif()
        string(APPEND _code "${_line}\n")
      endif()
    endif()
  endwhile()
  if(_in_block)
    message(FATAL_ERROR "${_rel}: a code block opened with ${_fence} is never closed")
  endif()
  if(_count GREATER 0)
    math(EXPR _files_with_code "${_files_with_code} + 1")
  endif()
endforeach()

set(_flags -std=c++17 -fsyntax-only)
foreach(_dir IN LISTS INCLUDE_DIRS)
  # The compiler searches the system directories already; naming them with -I breaks
  # #include_next in the C++ library's own headers.
  if(NOT _dir STREQUAL "/usr/include" AND NOT _dir STREQUAL "/usr/local/include")
    list(APPEND _flags "-I${_dir}")
  endif()
endforeach()

list(LENGTH _snippets _total)
cmake_host_system_information(RESULT _jobs QUERY NUMBER_OF_LOGICAL_CORES)
if(NOT _jobs OR _jobs LESS 1)
  set(_jobs 1)
endif()

set(_failed "")
set(_index 0)
while(_index LESS _total)
  # One execute_process with several COMMANDs runs them at the same time.
  set(_commands "")
  set(_batch "")
  set(_n 0)
  while(_index LESS _total AND _n LESS _jobs)
    list(GET _snippets ${_index} _file)
    list(APPEND _commands COMMAND "${CXX}" ${_flags} "${_file}")
    list(APPEND _batch ${_index})
    math(EXPR _index "${_index} + 1")
    math(EXPR _n "${_n} + 1")
  endwhile()
  execute_process(${_commands} RESULTS_VARIABLE _results OUTPUT_QUIET ERROR_QUIET)
  set(_k 0)
  foreach(_i IN LISTS _batch)
    list(GET _results ${_k} _result)
    if(NOT _result EQUAL 0)
      list(APPEND _failed ${_i})
    endif()
    math(EXPR _k "${_k} + 1")
  endforeach()
endwhile()

list(LENGTH _failed _failures)
foreach(_i IN LISTS _failed)
  list(GET _snippets ${_i} _file)
  list(GET _origins ${_i} _origin)
  execute_process(COMMAND "${CXX}" ${_flags} -fdiagnostics-color=never "${_file}"
                  RESULT_VARIABLE _result OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  message("---- ${_origin} does not compile (extracted to ${_file}):\n${_out}")
endforeach()

list(LENGTH _markdown _files)
math(EXPR _compiled "${_total} - ${_failures}")
message("docs snippets: ${_compiled} of ${_total} C++ blocks compile (from ${_files_with_code} of "
        "${_files} Markdown files); ${_fragments} blocks marked cpp-fragment not compiled")
if(_failures GREATER 0)
  message(FATAL_ERROR "${_failures} documentation snippet(s) do not compile")
endif()
