# tensorplug_add_conformance_test(<plugin target> [NAME <test name>]
#                                 [GROUPS <group>...] [DTYPES <dtype>...]
#                                 [JUNIT <file>]
#                                 [SANITIZER_RUNTIME <asan|path>]
#                                 [ARGS <arg>...])
#
# Adds a ctest test that runs the plugin conformance kit
# (`tensorplug-conformance`, docs/conformance.md) on the library that
# <plugin target> builds, e.g. one made with tensorplug_add_backend():
#
#   tensorplug-conformance --junit <file> [--group <group>]...
#                          [--dtypes <dtype>,...] [<arg>...]
#                          $<TARGET_FILE:<plugin target>>
#
# The test passes when every entry the plugin provides passes (the kit's
# exit status 0). NAME defaults to "<plugin target>_conformance"; JUNIT (the
# report for the CI system) defaults to
# ${CMAKE_CURRENT_BINARY_DIR}/<name>-junit.xml. GROUPS limits the run to some
# of the groups (loading, required, ops, gradients, errors, lifecycle);
# DTYPES overrides the dtypes the plugin declares through `capabilities`;
# SANITIZER_RUNTIME (`asan`, or the path of a runtime library) passes
# --sanitizer-runtime, for a plugin built with AddressSanitizer under a runner
# that is not (docs/conformance.md, Sanitizers).
# ARGS are passed to the runner as they are. The test sets no environment of
# its own: add one with set_tests_properties(<name> PROPERTIES ENVIRONMENT ...).
#
# The runner is the imported target tensorplug::conformance, which
# find_package(tensorplug) provides; inside the tensorplug tree it is the
# ALIAS of the target that builds it. ctest calls it by its full path, so it
# needs no PATH entry.
function(tensorplug_add_conformance_test plugin)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "NAME;JUNIT;SANITIZER_RUNTIME"
                        "GROUPS;DTYPES;ARGS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "tensorplug_add_conformance_test(${plugin}): unknown "
      "arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${plugin})
    message(FATAL_ERROR "tensorplug_add_conformance_test(${plugin}): "
      "`${plugin}` is not a target; pass the plugin's library target")
  endif()
  if(NOT TARGET tensorplug::conformance)
    message(FATAL_ERROR "tensorplug_add_conformance_test(${plugin}): the "
      "conformance runner tensorplug::conformance is not available; install "
      "tensorplug with TENSORPLUG_BUILD_CONFORMANCE=ON")
  endif()
  if(NOT ARG_NAME)
    set(ARG_NAME ${plugin}_conformance)
  endif()
  if(NOT ARG_JUNIT)
    set(ARG_JUNIT ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}-junit.xml)
  endif()
  set(command $<TARGET_FILE:tensorplug::conformance> --junit ${ARG_JUNIT})
  foreach(group IN LISTS ARG_GROUPS)
    list(APPEND command --group ${group})
  endforeach()
  if(ARG_DTYPES)
    list(JOIN ARG_DTYPES "," dtypes)
    list(APPEND command --dtypes ${dtypes})
  endif()
  if(ARG_SANITIZER_RUNTIME)
    list(APPEND command --sanitizer-runtime ${ARG_SANITIZER_RUNTIME})
  endif()
  list(APPEND command ${ARG_ARGS} $<TARGET_FILE:${plugin}>)
  add_test(NAME ${ARG_NAME} COMMAND ${command})
  # The kit's lifecycle group runs thousands of cycles; ctest's default of
  # 1500 s is plenty, but a hung plugin should not hold a CI job that long.
  set_tests_properties(${ARG_NAME} PROPERTIES TIMEOUT 900)
endfunction()
