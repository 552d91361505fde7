# FindTensorFlowC: TensorFlow's C API (tensorflow/c/c_api.h) as the PyPI wheel
# tensorflow-cpu ships it, installed by scripts/install-python.sh into the
# project-local venv. Nothing is looked for outside TENSORPLUG_TENSORFLOW_ROOT.
#
#   TENSORPLUG_TENSORFLOW_ROOT  (cache, PATH) a venv (default
#       ${PROJECT_SOURCE_DIR}/.venv), a site-packages directory, or the
#       tensorflow package directory itself.
#
# Defines, when found:
#   TensorFlowC::framework  libtensorflow_framework.so.2 (TF_Status, TF_Tensor,
#                           TF_Buffer, ... entries)
#   TensorFlowC::c_api      libtensorflow_cc.so.2 (graph, TF_AddGradients,
#                           sessions, TF_Version); links TensorFlowC::framework
#                           and carries the include directory
#   TensorFlowC_FOUND, TensorFlowC_VERSION, TensorFlowC_INCLUDE_DIR,
#   TensorFlowC_LIBRARY, TensorFlowC_FRAMEWORK_LIBRARY, TensorFlowC_LIBRARY_DIR
#
# The wheel exports the TF_* entries from two libraries (checked with
# nm -D --defined-only on tensorflow-cpu 2.21.0): graph/session entries from
# libtensorflow_cc.so.2, status/tensor/buffer entries from
# libtensorflow_framework.so.2; linking only the first fails with "DSO missing
# from command line". Both are linked by absolute path, and the executables get
# a RUNPATH to the package directory (CMake's build RPATH), so no
# LD_LIBRARY_PATH is needed.
include(FindPackageHandleStandardArgs)

set(TENSORPLUG_TENSORFLOW_ROOT "${PROJECT_SOURCE_DIR}/.venv" CACHE PATH
    "Where to find TensorFlow's wheel: a venv, a site-packages directory or the tensorflow package directory")

set(_tfc_reason "")
set(_tfc_pkg "")
if(NOT IS_DIRECTORY "${TENSORPLUG_TENSORFLOW_ROOT}")
  set(_tfc_reason "TENSORPLUG_TENSORFLOW_ROOT=${TENSORPLUG_TENSORFLOW_ROOT} does not exist: run scripts/install-python.sh (or bash scripts/install-deps.sh without TENSORPLUG_SKIP_TENSORFLOW=1), or point TENSORPLUG_TENSORFLOW_ROOT at a venv that has tensorflow-cpu")
else()
  file(GLOB _tfc_candidates LIST_DIRECTORIES true
       "${TENSORPLUG_TENSORFLOW_ROOT}/include/tensorflow/c/c_api.h"
       "${TENSORPLUG_TENSORFLOW_ROOT}/tensorflow/include/tensorflow/c/c_api.h"
       "${TENSORPLUG_TENSORFLOW_ROOT}/lib/python3*/site-packages/tensorflow/include/tensorflow/c/c_api.h")
  list(SORT _tfc_candidates)
  if(_tfc_candidates)
    list(GET _tfc_candidates 0 _tfc_header)
    # .../tensorflow/include/tensorflow/c/c_api.h -> .../tensorflow
    get_filename_component(_tfc_pkg "${_tfc_header}" DIRECTORY)
    get_filename_component(_tfc_pkg "${_tfc_pkg}/../../.." ABSOLUTE)
  else()
    set(_tfc_reason "no tensorflow/include/tensorflow/c/c_api.h under ${TENSORPLUG_TENSORFLOW_ROOT} (searched include/, tensorflow/include/, lib/python3*/site-packages/tensorflow/include/): is tensorflow-cpu installed in it? run scripts/install-python.sh")
  endif()
endif()

if(_tfc_pkg)
  find_path(TensorFlowC_INCLUDE_DIR tensorflow/c/c_api.h
            PATHS "${_tfc_pkg}/include" NO_DEFAULT_PATH NO_CACHE)
  find_library(TensorFlowC_LIBRARY NAMES libtensorflow_cc.so.2 libtensorflow_cc.so
               PATHS "${_tfc_pkg}" NO_DEFAULT_PATH NO_CACHE)
  find_library(TensorFlowC_FRAMEWORK_LIBRARY
               NAMES libtensorflow_framework.so.2 libtensorflow_framework.so
               PATHS "${_tfc_pkg}" NO_DEFAULT_PATH NO_CACHE)
  if(NOT TensorFlowC_LIBRARY OR NOT TensorFlowC_FRAMEWORK_LIBRARY)
    set(_tfc_reason "${_tfc_pkg} has the C API headers but not libtensorflow_cc.so.2 and libtensorflow_framework.so.2 (the libraries that export TF_*)")
  endif()
  set(TensorFlowC_LIBRARY_DIR "${_tfc_pkg}")
  # The headers carry no version number (release_version.h takes it from build
  # flags); the wheel's dist-info directory beside the package does.
  file(GLOB _tfc_dist_info LIST_DIRECTORIES true
       "${_tfc_pkg}/../tensorflow_cpu-*.dist-info" "${_tfc_pkg}/../tensorflow-*.dist-info")
  if(_tfc_dist_info)
    list(GET _tfc_dist_info 0 _tfc_dist_info)
    get_filename_component(_tfc_dist_info "${_tfc_dist_info}" NAME)
    string(REGEX REPLACE "^tensorflow(_cpu)?-(.*)\\.dist-info$" "\\2"
           TensorFlowC_VERSION "${_tfc_dist_info}")
  endif()
endif()

find_package_handle_standard_args(TensorFlowC
  REQUIRED_VARS TensorFlowC_LIBRARY TensorFlowC_FRAMEWORK_LIBRARY TensorFlowC_INCLUDE_DIR
  VERSION_VAR TensorFlowC_VERSION
  REASON_FAILURE_MESSAGE "${_tfc_reason}")
set(TensorFlowC_NOT_FOUND_REASON "${_tfc_reason}")

if(TensorFlowC_FOUND AND NOT TARGET TensorFlowC::c_api)
  add_library(TensorFlowC::framework SHARED IMPORTED)
  set_target_properties(TensorFlowC::framework PROPERTIES
    IMPORTED_LOCATION "${TensorFlowC_FRAMEWORK_LIBRARY}"
    IMPORTED_SONAME libtensorflow_framework.so.2)
  add_library(TensorFlowC::c_api SHARED IMPORTED)
  set_target_properties(TensorFlowC::c_api PROPERTIES
    IMPORTED_LOCATION "${TensorFlowC_LIBRARY}"
    IMPORTED_SONAME libtensorflow_cc.so.2
    INTERFACE_INCLUDE_DIRECTORIES "${TensorFlowC_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES TensorFlowC::framework)
endif()
unset(_tfc_candidates)
unset(_tfc_header)
unset(_tfc_pkg)
unset(_tfc_reason)
unset(_tfc_dist_info)
