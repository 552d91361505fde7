# tensorplug_add_backend(<target> [OUTPUT_NAME <name>] [OUTPUT_DIRECTORY <dir>]
#                        [TOOLKIT] SOURCES <src>...)
#
# Builds a backend plugin: a MODULE library without the "lib" prefix, with
# hidden visibility and, with GNU-compatible linkers, a version script that
# exports the tp_* entries and nothing else (rule TP_ABI_5), against the
# plugin C ABI. By default it lands in the builtin backend directory next to
# the host library, where the builtin name <name> finds it.
set(TENSORPLUG_EXPORTS_MAP ${CMAKE_CURRENT_LIST_DIR}/tensorplug_exports.map)
function(tensorplug_add_backend target)
  cmake_parse_arguments(ARG "TOOLKIT" "OUTPUT_NAME;OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT ARG_OUTPUT_NAME)
    set(ARG_OUTPUT_NAME ${target})
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY ${TENSORPLUG_BACKEND_OUTPUT_DIR})
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE tensorplug::plugin_api)
  if(ARG_TOOLKIT)
    target_link_libraries(${target} PRIVATE
      "$<LINK_LIBRARY:WHOLE_ARCHIVE,tensorplug::toolkit>")
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${ARG_OUTPUT_NAME}
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(CMAKE_SYSTEM_NAME MATCHES "Linux|FreeBSD|Android")
    target_link_options(${target} PRIVATE
      "LINKER:--version-script=${TENSORPLUG_EXPORTS_MAP}")
    set_property(TARGET ${target} APPEND PROPERTY
      LINK_DEPENDS ${TENSORPLUG_EXPORTS_MAP})
  endif()
  tensorplug_set_warnings(${target})
endfunction()
