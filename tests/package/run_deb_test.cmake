# ctest driver: the Debian packages (cmake/TensorplugPackaging.cmake), as a
# user gets them. Makes them with cpack -G DEB from the build tree, unpacks
# every .deb with dpkg-deb -x into an empty root, and checks:
#   - the packages together hold every file `cmake --install` installs
#     (no install() rule left out of a packaged component);
#   - the runtime package is named after libtensorplug's SONAME;
#   - Depends: dpkg-shlibdeps ran, each package depends on this project's
#     packages it needs at this exact version, and no backend package pulls
#     another backend's libraries (native does not pull libtorch);
#   - the installed example plugin project (usr/share/tensorplug/examples/
#     conformance_plugin) builds against <root>/usr alone and its ctest (the
#     conformance kit of <root>/usr/bin) passes;
#   - <root>/usr/bin/tensorplug list finds the builtin backends in
#     <root>/usr/lib/tensorplug/backends and lists the example's plugins,
#     through TENSORPLUG_PATH, as valid;
#   - lintian reports no error (E:) on any package.
# Skipped (SKIP_REGULAR_EXPRESSION "tensorplug deb test skipped") only when
# dpkg-deb, dpkg-shlibdeps or lintian is missing (scripts/install-deps.sh
# installs them). Inputs: BUILD_DIR, WORK_DIR, CPACK (the cpack program).
cmake_minimum_required(VERSION 3.25)  # CMP0009: globs do not follow links
foreach(tool dpkg-deb dpkg-shlibdeps lintian readelf)
  string(MAKE_C_IDENTIFIER ${tool} var)
  find_program(${var} ${tool})
  if(NOT ${var})
    message("tensorplug deb test skipped: ${tool} is not installed "
      "(scripts/install-deps.sh installs it)")
    return()
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
set(debs ${WORK_DIR}/debs)
set(root ${WORK_DIR}/root)
file(MAKE_DIRECTORY ${debs} ${root})

# Runs a command; fails with `what` and its output unless it exits 0. The
# output is left in `out` in the caller.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE o
    ERROR_VARIABLE e)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}): ${ARGN}\n${o}${e}")
  endif()
  set(out "${o}" PARENT_SCOPE)
endfunction()

run("cpack -G DEB" ${CPACK} -G DEB --config ${BUILD_DIR}/CPackConfig.cmake
  -B ${debs})
file(GLOB deb_files ${debs}/*.deb)
if(NOT deb_files)
  message(FATAL_ERROR "cpack -G DEB made no .deb in ${debs}:\n${out}")
endif()

# Each package: its name, fields and files.
set(packages "")
foreach(deb IN LISTS deb_files)
  run("dpkg-deb -f" ${dpkg_deb} -f ${deb} Package)
  string(STRIP "${out}" package)
  list(APPEND packages ${package})
  set(deb_${package} ${deb})
  run("dpkg-deb -f" ${dpkg_deb} -f ${deb} Depends)
  string(STRIP "${out}" depends_${package})
  message(STATUS "${package}: Depends: ${depends_${package}}")
  run("dpkg-deb -x" ${dpkg_deb} -x ${deb} ${root})
endforeach()
foreach(expected libtensorplug-dev tensorplug tensorplug-doc
    tensorplug-backend-reference)
  if(NOT expected IN_LIST packages)
    message(FATAL_ERROR "cpack made no package ${expected}; it made: ${packages}")
  endif()
endforeach()

# Every file of the install tree is in a package (a file of no packaged
# component would be missing here), and the packages add only Debian's
# per-package copyright and changelog.gz and compress the man pages.
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR}
  --prefix ${WORK_DIR}/install)
file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE ${WORK_DIR}/install
  ${WORK_DIR}/install/*)
file(GLOB_RECURSE packaged LIST_DIRECTORIES false RELATIVE ${root}/usr
  ${root}/usr/*)
list(TRANSFORM installed REPLACE "^(share/man/.*)$" "\\1.gz")
set(unpackaged ${installed})
list(REMOVE_ITEM unpackaged ${packaged})
# The tensorflow backend is installed but not packaged on purpose (TensorFlow
# is not in Debian: cmake/TensorplugPackaging.cmake says why).
list(FILTER unpackaged EXCLUDE REGEX "/tensorplug/backends/tensorflow\\.so$")
if(unpackaged)
  list(JOIN unpackaged "\n  " unpackaged)
  message(FATAL_ERROR "files `cmake --install` installs that no .deb holds "
    "(an install() rule outside the packaged components of "
    "cmake/TensorplugPackaging.cmake):\n  ${unpackaged}")
endif()
set(extra ${packaged})
list(REMOVE_ITEM extra ${installed})
list(FILTER extra EXCLUDE REGEX "^share/doc/[^/]+/(copyright|changelog\\.gz)$")
if(extra)
  list(JOIN extra "\n  " extra)
  message(FATAL_ERROR "files in the .debs that `cmake --install` does not "
    "install:\n  ${extra}")
endif()
foreach(package IN LISTS packages)
  foreach(file copyright changelog.gz)
    if(NOT EXISTS ${root}/usr/share/doc/${package}/${file})
      message(FATAL_ERROR "${package} has no /usr/share/doc/${package}/${file}")
    endif()
  endforeach()
endforeach()

# The runtime package is named after the SONAME (Debian policy 8.1).
file(GLOB_RECURSE libs ${root}/usr/lib*/libtensorplug.so.*)
list(GET libs 0 lib)
run("readelf -d" ${readelf} -d ${lib})
if(NOT out MATCHES "Library soname: \\[libtensorplug\\.so\\.([0-9.]+)\\]")
  message(FATAL_ERROR "${lib} has no SONAME libtensorplug.so.<version>:\n${out}")
endif()
set(runtime libtensorplug${CMAKE_MATCH_1})
if(NOT runtime IN_LIST packages)
  message(FATAL_ERROR "no package ${runtime} for the SONAME "
    "libtensorplug.so.${CMAKE_MATCH_1}; the packages are: ${packages}")
endif()
run("dpkg-deb -c" ${dpkg_deb} -c ${deb_${runtime}})
if(NOT out MATCHES "/libtensorplug\\.so\\.${CMAKE_MATCH_1}")
  message(FATAL_ERROR "${runtime} does not hold libtensorplug.so.${CMAKE_MATCH_1}:\n${out}")
endif()

# Depends. `pattern` must (or, with NOT, must not) match the package's field.
function(expect_depends package pattern)
  set(field "${depends_${package}}")
  if(ARGV2 STREQUAL "NOT")
    if(field MATCHES "${pattern}")
      message(FATAL_ERROR "${package} must not depend on ${pattern}, but its "
        "Depends is: ${field}")
    endif()
  elseif(NOT field MATCHES "${pattern}")
    message(FATAL_ERROR "${package}'s Depends lacks ${pattern}: ${field}")
  endif()
endfunction()
run("dpkg-deb -f" ${dpkg_deb} -f ${deb_${runtime}} Version)
string(STRIP "${out}" version)
string(REPLACE "." "\\." v "${version}")
set(exact_runtime "${runtime} \\(= ${v}\\)")
# dpkg-shlibdeps ran: the C and C++ runtimes of the ELF files.
expect_depends(${runtime} "libc6 \\(>=")
expect_depends(${runtime} "libstdc\\+\\+6")
expect_depends(tensorplug "libc6 \\(>=")
expect_depends(tensorplug "${exact_runtime}")
expect_depends(tensorplug "tensorplug-backend-reference \\(= ${v}\\)")
expect_depends(libtensorplug-dev "${exact_runtime}")
expect_depends(libtensorplug-dev "tensorplug \\(= ${v}\\)")
expect_depends(libtensorplug-dev "libdlpack-dev")
set(backend_libraries "libtorch|libopenblas|libgomp")
foreach(package IN LISTS packages)
  if(NOT package MATCHES "^tensorplug-backend-(.*)$")
    continue()
  endif()
  set(backend ${CMAKE_MATCH_1})
  expect_depends(${package} "${exact_runtime}")
  expect_depends(${package} "libc6 \\(>=")
  if(backend STREQUAL "native")
    expect_depends(${package} "libopenblas")
    expect_depends(${package} "libtorch" NOT)
  elseif(backend STREQUAL "torch")
    expect_depends(${package} "libtorch")
    expect_depends(${package} "libopenblas" NOT)
  elseif(backend STREQUAL "reference")
    expect_depends(${package} "${backend_libraries}" NOT)
  endif()
endforeach()
foreach(package IN LISTS packages)
  if(NOT package MATCHES "^tensorplug-backend-")
    expect_depends(${package} "libtorch" NOT)
  endif()
endforeach()

# The example plugin project, as installed, built against <root>/usr alone
# and its conformance ctest run with the packaged kit.
set(example ${WORK_DIR}/example)
include(${CMAKE_CURRENT_LIST_DIR}/build_installed_example.cmake)
tensorplug_build_installed_example(${root}/usr ${example})

# tensorplug list: the builtins from the root's backend directory, the
# example's plugins through TENSORPLUG_PATH, all valid.
set(ENV{TENSORPLUG_PATH} ${example})
set(ENV{KERAS_HOME} ${WORK_DIR}/keras_home)
unset(ENV{KERAS_BACKEND})
run("${root}/usr/bin/tensorplug list" ${root}/usr/bin/tensorplug list --json)
set(json "${out}")
string(JSON builtin_dir GET "${json}" builtin dir)
file(GLOB_RECURSE builtin_files ${root}/usr/lib*/tensorplug/backends/*.so)
list(GET builtin_files 0 first_builtin)
get_filename_component(packaged_builtin_dir ${first_builtin} DIRECTORY)
if(NOT builtin_dir STREQUAL packaged_builtin_dir)
  message(FATAL_ERROR "${root}/usr/bin/tensorplug looks for builtin backends "
    "in ${builtin_dir}, not in the packages' ${packaged_builtin_dir}")
endif()
set(expected example_backend example.toolkit)
foreach(package IN LISTS packages)
  if(package MATCHES "^tensorplug-backend-(.*)$")
    list(APPEND expected ${CMAKE_MATCH_1})
  endif()
endforeach()
set(listed "")
string(JSON count LENGTH "${json}" backends)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON name GET "${json}" backends ${i} name)
  string(JSON status GET "${json}" backends ${i} status)
  string(JSON library GET "${json}" backends ${i} library)
  message(STATUS "tensorplug list: ${name} ${status} ${library}")
  if(name IN_LIST expected AND status STREQUAL "valid")
    list(APPEND listed ${name})
  endif()
endforeach()
set(missing ${expected})
list(REMOVE_ITEM missing ${listed})
if(missing)
  message(FATAL_ERROR "${root}/usr/bin/tensorplug list does not list as "
    "valid: ${missing}\n${json}")
endif()

# lintian, on all the packages in one run (its start-up is most of its
# time): errors fail, the rest is shown.
# --fail-on error: it exits 2 when it reports an error, 1 when it could not
# run.
execute_process(COMMAND ${lintian} --fail-on error --tag-display-limit 0
  ${deb_files}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "lintian (exit ${rc}):\n${out}${err}")
if(NOT rc MATCHES "^[02]$")
  message(FATAL_ERROR "lintian could not check the packages (${rc}): ${err}")
endif()
string(REGEX MATCHALL "(^|\n)E: [^\n]*" errors "${out}")
if(errors OR rc EQUAL 2)
  message(FATAL_ERROR "lintian reports errors on the packages:\n${errors}")
endif()
message(STATUS "${packages}: built, unpacked, used and lintian-clean")
