# tensorplug_build_installed_example(<prefix> <build_dir>): the out-of-tree
# example plugin project as installed under <prefix>
# (share/tensorplug/examples/conformance_plugin, a copy of
# examples/conformance_plugin/), configured, built and tested in
# <build_dir> against <prefix> alone: find_package(tensorplug) must find
# <prefix>'s package (no package registry), its ctest must run
# <prefix>/bin/tensorplug-conformance on its plugins and pass, and write
# the JUnit report. Used by run_package_test.cmake (a moved install tree) and
# run_deb_test.cmake (the unpacked .debs).
function(tensorplug_build_installed_example prefix build_dir)
  set(source ${prefix}/share/tensorplug/examples/conformance_plugin)
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${source} -B ${build_dir}
    -G Ninja -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configuring the installed example ${source} failed: ${rc}")
  endif()
  file(STRINGS ${build_dir}/CMakeCache.txt found REGEX "^tensorplug_DIR:")
  if(NOT found MATCHES "=${prefix}/lib[^/]*(/[^/]+)?/cmake/tensorplug$")
    message(FATAL_ERROR "the installed example found tensorplug outside "
      "${prefix}: ${found}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${build_dir}
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "building the installed example ${source} failed: ${rc}")
  endif()
  # MODULE example.toolkit, with no OUTPUT_DIRECTORY: the project's build
  # directory, laid out as the module path.
  if(NOT EXISTS ${build_dir}/example/toolkit.so)
    file(GLOB_RECURSE built RELATIVE ${build_dir} ${build_dir}/*.so)
    message(FATAL_ERROR "tensorplug_add_backend(example_toolkit_backend MODULE "
      "example.toolkit) did not produce ${build_dir}/example/toolkit.so; "
      "the libraries built are: ${built}")
  endif()
  # The test must run the runner of <prefix>, not the build tree's.
  file(READ ${build_dir}/CTestTestfile.cmake ctest_file)
  string(FIND "${ctest_file}" "${prefix}/bin/tensorplug-conformance" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the installed example's test does not run "
      "${prefix}/bin/tensorplug-conformance:\n${ctest_file}")
  endif()
  execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${build_dir}
    --output-on-failure --no-tests=error
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the conformance kit failed on the installed example: ${rc}")
  endif()
  set(junit ${build_dir}/example_backend_conformance-junit.xml)
  if(NOT EXISTS ${junit})
    message(FATAL_ERROR "the conformance run wrote no JUnit report at ${junit}")
  endif()
  file(READ ${junit} junit_text)
  string(FIND "${junit_text}" "<testsuites" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${junit} is not a JUnit report:\n${junit_text}")
  endif()
endfunction()
