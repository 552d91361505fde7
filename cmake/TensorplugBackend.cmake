# tensorplug_add_backend(<target>
#                        [MODULE <dotted.name> | OUTPUT_NAME <name>]
#                        [OUTPUT_DIRECTORY <dir>]
#                        [TOOLKIT] [WARNINGS_AS_ERRORS]
#                        SOURCES <src>...)
#
# Builds a backend plugin: a MODULE library without the "lib" prefix, with
# hidden visibility and, with GNU-compatible linkers, a version script that
# exports the tp_* entries and nothing else (rule TP_ABI_5), against the
# plugin C ABI. Every argument is documented in docs/cmake.md:
#
#   MODULE a.b.c        the backend name; the library is <dir>/a/b/c.so, so
#                       that a search root <dir> resolves `a.b.c` to it
#   OUTPUT_NAME <name>  the file name without suffix (<dir>/<name>.so);
#                       default <target>; not with MODULE
#   OUTPUT_DIRECTORY    <dir>; default ${TENSORPLUG_BACKEND_OUTPUT_DIR} when
#                       set (inside the tensorplug tree: the builtin backend
#                       directory), else the calling directory's
#                       CMAKE_CURRENT_BINARY_DIR
#   TOOLKIT             link the backend toolkit (tensorplug::toolkit) whole
#   WARNINGS_AS_ERRORS  -Wall -Wextra -Werror (/W4 /WX) on the sources; off
#                       by default: the author's flags are the author's
#   SOURCES             the plugin's sources (required)
set(TENSORPLUG_EXPORTS_MAP ${CMAKE_CURRENT_LIST_DIR}/tensorplug_exports.map)
# The function's keywords (tests/cmake/ checks each is in docs/cmake.md).
set(_TENSORPLUG_BACKEND_OPTIONS TOOLKIT WARNINGS_AS_ERRORS)
set(_TENSORPLUG_BACKEND_ONE_VALUE MODULE OUTPUT_NAME OUTPUT_DIRECTORY)
set(_TENSORPLUG_BACKEND_MULTI_VALUE SOURCES)

# Checks the arguments of tensorplug_add_backend(<target> ...) and sets, in
# the caller, `_tp_name` (the file name without suffix) and `_tp_dir` (the
# directory it lands in). Separate from the function that creates the target
# so that the checks run in CMake's script mode too (tests/cmake/).
function(_tensorplug_backend_layout target)
  set(where "tensorplug_add_backend(${target})")
  cmake_parse_arguments(PARSE_ARGV 1 ARG "${_TENSORPLUG_BACKEND_OPTIONS}"
    "${_TENSORPLUG_BACKEND_ONE_VALUE}" "${_TENSORPLUG_BACKEND_MULTI_VALUE}")
  if(ARG_UNPARSED_ARGUMENTS)
    list(JOIN ARG_UNPARSED_ARGUMENTS "`, `" unknown)
    message(FATAL_ERROR "${where}: unknown arguments `${unknown}`; the "
      "arguments are MODULE, OUTPUT_NAME, OUTPUT_DIRECTORY, TOOLKIT, "
      "WARNINGS_AS_ERRORS and SOURCES (docs/cmake.md)")
  endif()
  foreach(keyword IN LISTS ARG_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "${where}: ${keyword} is given without a value")
  endforeach()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "${where}: no SOURCES; a backend needs at least one "
      "source file")
  endif()
  if(DEFINED ARG_MODULE AND DEFINED ARG_OUTPUT_NAME)
    message(FATAL_ERROR "${where}: MODULE ${ARG_MODULE} and OUTPUT_NAME "
      "${ARG_OUTPUT_NAME} both name the file; give one (MODULE a.b.c is "
      "<dir>/a/b/c.so)")
  endif()
  if(DEFINED ARG_OUTPUT_DIRECTORY)
    set(dir ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED TENSORPLUG_BACKEND_OUTPUT_DIR)
    set(dir ${TENSORPLUG_BACKEND_OUTPUT_DIR})
  else()
    set(dir ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  if(DEFINED ARG_MODULE)
    # The host's rule for backend names (check_backend_name): identifiers
    # joined by single dots.
    set(ident "[A-Za-z_][A-Za-z0-9_]*")
    if(NOT ARG_MODULE MATCHES "^${ident}(\\.${ident})*$")
      message(FATAL_ERROR "${where}: MODULE `${ARG_MODULE}` is not a backend "
        "name: it must be identifiers ([A-Za-z_][A-Za-z0-9_]*) joined by "
        "single dots, such as acme.fastcpu")
    endif()
    string(REPLACE "." ";" parts "${ARG_MODULE}")
    list(POP_BACK parts name)
    foreach(part IN LISTS parts)
      string(APPEND dir "/${part}")
    endforeach()
  elseif(DEFINED ARG_OUTPUT_NAME)
    set(name ${ARG_OUTPUT_NAME})
  else()
    set(name ${target})
  endif()
  set(_tp_name ${name} PARENT_SCOPE)
  set(_tp_dir ${dir} PARENT_SCOPE)
endfunction()

function(tensorplug_add_backend target)
  _tensorplug_backend_layout(${target} ${ARGN})
  cmake_parse_arguments(PARSE_ARGV 1 ARG "${_TENSORPLUG_BACKEND_OPTIONS}"
    "${_TENSORPLUG_BACKEND_ONE_VALUE}" "${_TENSORPLUG_BACKEND_MULTI_VALUE}")
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE tensorplug::plugin_api)
  if(ARG_TOOLKIT)
    target_link_libraries(${target} PRIVATE
      "$<LINK_LIBRARY:WHOLE_ARCHIVE,tensorplug::toolkit>")
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${_tp_name}
    LIBRARY_OUTPUT_DIRECTORY ${_tp_dir}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(CMAKE_SYSTEM_NAME MATCHES "Linux|FreeBSD|Android")
    target_link_options(${target} PRIVATE
      "LINKER:--version-script=${TENSORPLUG_EXPORTS_MAP}")
    set_property(TARGET ${target} APPEND PROPERTY
      LINK_DEPENDS ${TENSORPLUG_EXPORTS_MAP})
  endif()
  if(ARG_WARNINGS_AS_ERRORS)
    tensorplug_set_warnings(${target})
  endif()
endfunction()
