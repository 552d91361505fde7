# cmake -DCASE=<case> -DMODULE_DIR=<cmake/> -P backend_arguments.cmake
#
# The argument checks of tensorplug_add_backend() and the layout they give,
# in script mode (no project, no compiler: milliseconds). Each case either
# prints "layout: <dir/name>" or stops with the function's error; ctest
# matches the output (tests/CMakeLists.txt).
include(${MODULE_DIR}/TensorplugBackend.cmake)

function(show_layout)
  _tensorplug_backend_layout(${ARGN})
  message("layout: <${_tp_dir}/${_tp_name}>")
endfunction()

if(CASE STREQUAL "module")
  show_layout(t MODULE acme.fastcpu OUTPUT_DIRECTORY /out SOURCES a.c)
elseif(CASE STREQUAL "deep_module")
  show_layout(t MODULE acme.cpu.fast OUTPUT_DIRECTORY /out SOURCES a.c)
elseif(CASE STREQUAL "output_name")
  show_layout(t OUTPUT_NAME mine OUTPUT_DIRECTORY /out SOURCES a.c)
elseif(CASE STREQUAL "default_directory")
  set(CMAKE_CURRENT_BINARY_DIR /bin_dir)
  show_layout(t MODULE acme.fastcpu SOURCES a.c)
elseif(CASE STREQUAL "project_directory")
  set(TENSORPLUG_BACKEND_OUTPUT_DIR /backends)
  show_layout(t SOURCES a.c)
elseif(CASE STREQUAL "unknown")
  tensorplug_add_backend(t MODULE acme.fastcpu WARNINGS_AS_ERROR SOURCE a.c)
elseif(CASE STREQUAL "module_and_output_name")
  tensorplug_add_backend(t MODULE acme.fastcpu OUTPUT_NAME fastcpu SOURCES a.c)
elseif(CASE STREQUAL "bad_module")
  tensorplug_add_backend(t MODULE acme..fastcpu SOURCES a.c)
elseif(CASE STREQUAL "path_module")
  tensorplug_add_backend(t MODULE acme/fastcpu SOURCES a.c)
elseif(CASE STREQUAL "no_sources")
  tensorplug_add_backend(t MODULE acme.fastcpu)
elseif(CASE STREQUAL "no_value")
  tensorplug_add_backend(t MODULE SOURCES a.c)
elseif(CASE STREQUAL "documented")
  # Every keyword has its row in the table of docs/cmake.md (DOC).
  file(READ ${DOC} doc)
  foreach(keyword IN LISTS _TENSORPLUG_BACKEND_OPTIONS
      _TENSORPLUG_BACKEND_ONE_VALUE _TENSORPLUG_BACKEND_MULTI_VALUE)
    string(FIND "${doc}" "\n| `${keyword}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "tensorplug_add_backend's ${keyword} has no row "
        "(| `${keyword} ...) in the argument table of ${DOC}")
    endif()
    message("documented: ${keyword}")
  endforeach()
  message("every argument is documented")
else()
  message(FATAL_ERROR "backend_arguments.cmake: unknown CASE `${CASE}`")
endif()
