# Included by the find_package consumers after find_package(cometapi): with
# -DCOMETAPI_EXPECTED_PREFIX=<prefix> (the consumer tests pass the fresh install tree), fails
# unless the package found is the one under that prefix, not another copy on the system.
set(COMETAPI_EXPECTED_PREFIX "" CACHE PATH "Test only: the package must come from this prefix")
if(COMETAPI_EXPECTED_PREFIX)
  get_filename_component(_found "${cometapi_DIR}" REALPATH)
  get_filename_component(_expected "${COMETAPI_EXPECTED_PREFIX}" REALPATH)
  string(FIND "${_found}/" "${_expected}/" _at)
  if(NOT _at EQUAL 0)
    message(FATAL_ERROR "found cometapi in ${cometapi_DIR}, not under ${COMETAPI_EXPECTED_PREFIX}")
  endif()
endif()
