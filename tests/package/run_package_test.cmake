# ctest driver: install the build tree into a fresh prefix, build the
# consumer project against it, and run it. Inputs: BUILD_DIR, SOURCE_DIR,
# WORK_DIR, FIXTURE_SOURCE.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
  RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
# Move the install tree: the host finds its builtins relative to itself.
file(RENAME ${prefix} ${WORK_DIR}/moved)
set(prefix ${WORK_DIR}/moved)
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package
  -B ${WORK_DIR}/build -G Ninja -DCMAKE_PREFIX_PATH=${prefix}
  -DFIXTURE_SOURCE=${FIXTURE_SOURCE} -DCMAKE_BUILD_TYPE=Release
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/consumer
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer failed: ${rc}")
endif()
string(FIND "${out}" "reference from ${prefix}/" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the builtin backend was not found in the moved install tree")
endif()
