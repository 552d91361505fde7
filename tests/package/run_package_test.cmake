# ctest driver: install the build tree into a fresh prefix, move it, build
# the consumer project against it and run it, then build the example plugin
# project as installed (share/tensorplug/examples/conformance_plugin, a copy
# of examples/conformance_plugin) against it and run its ctest (the installed
# conformance kit on its plugins), then build the consumer and a C plugin
# again with pkg-config alone (tensorplug.pc) and run them. Inputs:
# BUILD_DIR, SOURCE_DIR, WORK_DIR, FIXTURE_SOURCE, CXX and CC (the compilers).
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
# Runs a consumer executable: it must succeed and print `expect`.
function(run_consumer exe label expect)
  execute_process(COMMAND ${exe}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${label} failed: ${rc}")
  endif()
  string(FIND "${out}" "${expect}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${label} did not print `${expect}`")
  endif()
endfunction()
# The builtin backend comes from the moved install tree.
run_consumer(${WORK_DIR}/build/consumer "the consumer" "reference from ${prefix}/")

# What an author reads and starts from is installed: the docs and the
# example project, and every relative link in the installed docs resolves
# there (share/doc/tensorplug/ mirrors the source layout).
set(doc ${prefix}/share/doc/tensorplug)
foreach(file ${doc}/README.md ${doc}/docs/cmake.md ${doc}/docs/plugin-abi.md
    ${doc}/docs/conformance.md ${doc}/docs/toolkit.md
    ${doc}/examples/conformance_plugin/toolkit_src/backend.cpp
    ${doc}/plugin_api/include/tensorplug/plugin_api.h
    ${prefix}/share/tensorplug/examples/conformance_plugin/CMakeLists.txt
    ${prefix}/share/man/man1/tensorplug.1
    ${prefix}/share/man/man1/tensorplug-conformance.1
    ${prefix}/share/bash-completion/completions/tensorplug)
  if(NOT EXISTS ${file})
    message(FATAL_ERROR "the install tree ${prefix} has no ${file}")
  endif()
endforeach()
cmake_policy(SET CMP0009 NEW)  # do not follow the links to the headers
file(GLOB_RECURSE docs ${doc}/*.md)
set(broken "")
set(checked 0)
foreach(file IN LISTS docs)
  file(READ ${file} text)
  get_filename_component(dir ${file} DIRECTORY)
  # Square brackets and semicolons mean something in CMake lists: away with
  # them before the links become a list.
  string(REPLACE "[" "<" text "${text}")
  string(REPLACE "]" ">" text "${text}")
  string(REPLACE ";" "," text "${text}")
  string(REGEX MATCHALL ">\\([^)# ]+[)#]" links "${text}")
  foreach(link IN LISTS links)
    string(REGEX REPLACE "^>\\(([^)# ]+)[)#]$" "\\1" target "${link}")
    if(target MATCHES "^[a-z]+:")
      continue()  # https:, mailto:
    endif()
    math(EXPR checked "${checked} + 1")
    if(NOT EXISTS ${dir}/${target})
      file(RELATIVE_PATH where ${prefix} ${file})
      list(APPEND broken "${where}: ${target}")
    endif()
  endforeach()
endforeach()
if(broken)
  list(JOIN broken "\n  " broken)
  message(FATAL_ERROR "links in the installed docs that lead nowhere:\n  "
    "${broken}")
endif()
if(checked LESS 10)
  message(FATAL_ERROR "only ${checked} relative links found in ${doc}: "
    "the link check is not reading the docs")
endif()
message(STATUS "${checked} relative links in the installed docs resolve")

# The out-of-tree example plugin project, as installed (a copy of
# examples/conformance_plugin/): built from the moved install tree alone, its
# ctest runs the installed conformance kit (tensorplug_add_conformance_test)
# on its plugins.
include(${CMAKE_CURRENT_LIST_DIR}/build_installed_example.cmake)
tensorplug_build_installed_example(${prefix} ${WORK_DIR}/conformance_plugin)

# pkg-config users: the installed tensorplug.pc alone (no CMake) compiles
# the consumer application and the C fixture plugin, from the moved tree.
find_program(PKG_CONFIG pkg-config REQUIRED)
file(GLOB_RECURSE pc_files ${prefix}/*/tensorplug.pc)
if(NOT pc_files)
  message(FATAL_ERROR "the install tree ${prefix} has no tensorplug.pc")
endif()
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs tensorplug
  RESULT_VARIABLE rc OUTPUT_VARIABLE pc_flags ERROR_VARIABLE err
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs tensorplug failed: ${err}")
endif()
execute_process(COMMAND ${PKG_CONFIG} --variable=libdir tensorplug
  OUTPUT_VARIABLE pc_libdir OUTPUT_STRIP_TRAILING_WHITESPACE)
get_filename_component(pc_libdir ${pc_libdir} REALPATH)
get_filename_component(real_prefix ${prefix} REALPATH)
string(FIND "${pc_libdir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "tensorplug.pc's libdir ${pc_libdir} is not in the "
    "moved install tree ${real_prefix}: the .pc file is not relocatable")
endif()
message(STATUS "pkg-config --cflags --libs tensorplug: ${pc_flags}")
separate_arguments(pc_list UNIX_COMMAND "${pc_flags}")
set(pc_work ${WORK_DIR}/pkg-config)
file(MAKE_DIRECTORY ${pc_work}/root/consumer_pkg)
execute_process(COMMAND ${CC} -std=c11 -shared -fPIC -DFIXTURE_NAME="mine"
  ${FIXTURE_SOURCE} ${pc_list} -o ${pc_work}/root/consumer_pkg/mine.so
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling a C plugin with pkg-config's flags failed:\n${err}")
endif()
execute_process(COMMAND ${CXX} -std=c++20
  -DCONSUMER_ROOT="${pc_work}/root" ${SOURCE_DIR}/tests/package/consumer.cpp
  ${pc_list} -Wl,-rpath,${pc_libdir} -o ${pc_work}/consumer
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling the consumer with pkg-config's flags failed:\n${err}")
endif()
run_consumer(${pc_work}/consumer "the consumer built with pkg-config"
  "mine from ${pc_work}/root/consumer_pkg/mine.so")
