# Debian packages of the install tree, made by CPack: `cpack -G DEB` in the
# build directory (or `cmake --build <dir> --target package`), one .deb per
# install component of cmake/TensorplugInstall.cmake (docs/cmake.md,
# Packaging). The prefix is /usr; the host finds its builtin backends
# relative to itself (lib/tensorplug/backends beside libtensorplug, and
# ../lib/tensorplug/backends from bin/), so that layout needs nothing else.
#
# Depends: dpkg-shlibdeps on each package's ELF files (what it links: libc6,
# libstdc++6, libopenblas0, libtorch...), plus the packages of this project
# each one needs, at this exact version (they are built together). A backend
# package depends on nothing of another backend: installing native pulls no
# libtorch. cmake/TensorplugPackagingStage.cmake adds what Debian requires in
# each package (copyright, changelog.gz, compressed man pages);
# tests/package/run_deb_test.cmake builds, unpacks and lintian-checks them.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ${PROJECT_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# CPack's default summary, so that CPackDeb does not put it before each
# package's own Description (its synopsis is the first line of
# CPACK_DEBIAN_<COMPONENT>_DESCRIPTION, set below).
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_VENDOR "tensorplug maintainers")
set(CPACK_PACKAGE_CONTACT
    "tensorplug maintainers <maintainers@users.noreply.r-seed-f2df02b9.example>"
    CACHE STRING "Maintainer of the Debian packages (name <address>)")
set(TENSORPLUG_PACKAGE_HOMEPAGE "" CACHE STRING
    "Homepage field of the Debian packages (none when empty)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Debian ships stripped binaries (the debug info would be a -dbgsym package).
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${CPACK_PACKAGE_CONTACT})
if(TENSORPLUG_PACKAGE_HOMEPAGE)
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${TENSORPLUG_PACKAGE_HOMEPAGE})
endif()
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# dpkg-shlibdeps must find libtensorplug.so.<SOVERSION>, which the tools
# link, though it is in another package: the build tree's copy. It adds no
# Depends for it (no shlibs info); the explicit Depends below do.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${CMAKE_LIBRARY_OUTPUT_DIRECTORY})
# The runtime package gets a shlibs file (and the ldconfig trigger), so that
# packages built against it depend on it through dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# ldconfig runs through dpkg's trigger, as lintian wants
# (lacks-ldconfig-trigger), not only from CPack's postinst/postrm.
set(_tp_triggers ${PROJECT_BINARY_DIR}/debian/runtime/triggers)
file(WRITE ${_tp_triggers} "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${_tp_triggers})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PRE_BUILD_SCRIPTS
    ${CMAKE_CURRENT_LIST_DIR}/TensorplugPackagingStage.cmake)

# The runtime package is named after the SONAME, as Debian policy (8.1)
# wants: libtensorplug.so.<SOVERSION> -> libtensorplug<SOVERSION>.
get_target_property(_tp_soversion tensorplug SOVERSION)
set(TENSORPLUG_RUNTIME_PACKAGE libtensorplug${_tp_soversion})
set(_tp_exact "(= ${PROJECT_VERSION})")

# tensorplug_deb_package(<component> <package> <section> <summary>
#                        <description> [DEPENDS ...] [RECOMMENDS ...]
#                        [SUGGESTS ...] [ARCH_ALL])
# Names the Debian package of an install component and describes it; the
# description is the summary line and an extended paragraph.
set(TENSORPLUG_DEB_COMPONENTS "")
set(TENSORPLUG_DEB_PACKAGES "")
function(tensorplug_deb_package component package section summary description)
  cmake_parse_arguments(PARSE_ARGV 5 arg "ARCH_ALL" ""
    "DEPENDS;RECOMMENDS;SUGGESTS")
  string(TOUPPER ${component} c)
  set(CPACK_DEBIAN_${c}_PACKAGE_NAME ${package} PARENT_SCOPE)
  set(CPACK_DEBIAN_${c}_PACKAGE_SECTION ${section} PARENT_SCOPE)
  set(CPACK_DEBIAN_${c}_DESCRIPTION "${summary}\n${description}" PARENT_SCOPE)
  foreach(field DEPENDS RECOMMENDS SUGGESTS)
    if(arg_${field})
      list(JOIN arg_${field} ", " value)
      set(CPACK_DEBIAN_${c}_PACKAGE_${field} "${value}" PARENT_SCOPE)
    endif()
  endforeach()
  if(arg_ARCH_ALL)
    set(CPACK_DEBIAN_${c}_PACKAGE_ARCHITECTURE all PARENT_SCOPE)
  endif()
  set(TENSORPLUG_DEB_COMPONENTS ${TENSORPLUG_DEB_COMPONENTS} ${component}
      PARENT_SCOPE)
  set(TENSORPLUG_DEB_PACKAGES ${TENSORPLUG_DEB_PACKAGES} ${package}
      PARENT_SCOPE)
endfunction()

# One package per builtin backend: tensorplug-backend-<name>, except
# tensorflow: TensorFlow is not in Debian (its library comes from the
# tensorflow-cpu wheel of the project's venv, which the plugin finds through
# a RUNPATH to that directory), so no Debian package could depend on it and
# lintian refuses the RUNPATH. It is installed by `cmake --install` only.
set(_tp_deb_backends ${TENSORPLUG_BUILTIN_BACKENDS})
list(REMOVE_ITEM _tp_deb_backends tensorplug_tensorflow)
set(_tp_backend_packages "")
foreach(backend IN LISTS _tp_deb_backends)
  get_target_property(name ${backend} OUTPUT_NAME)
  list(APPEND _tp_backend_packages tensorplug-backend-${name})
endforeach()
list(JOIN _tp_backend_packages " | " _tp_any_backend)

tensorplug_deb_package(runtime ${TENSORPLUG_RUNTIME_PACKAGE} libs
  "tensorplug host library: tensor backends chosen at run time"
  "libtensorplug lets an application choose its tensor backend at run time
(Keras style: keras.json, KERAS_BACKEND), with backends as shared libraries
behind a C ABI. This package holds the shared library; the backends are in
the tensorplug-backend-* packages."
  RECOMMENDS "${_tp_any_backend}")

tensorplug_deb_package(dev libtensorplug-dev libdevel
  "tensorplug host library and backend SDK: development files"
  "Headers of the host library and of the plugin C ABI, the backend toolkit
(a C++ SDK for backends: static library and headers), the CMake package
(find_package(tensorplug), tensorplug_add_backend,
tensorplug_add_conformance_test) and tensorplug.pc for pkg-config."
  DEPENDS "${TENSORPLUG_RUNTIME_PACKAGE} ${_tp_exact}"
    # The CMake package exports the tools (tensorplug::conformance).
    "tensorplug ${_tp_exact}" libdlpack-dev
  RECOMMENDS "tensorplug-doc ${_tp_exact}")

tensorplug_deb_package(tools tensorplug utils
  "command-line tools of tensorplug: backend selection, conformance kit"
  "tensorplug inspects, validates, selects and benchmarks tensorplug
backends; tensorplug-conformance checks a backend plugin against the ABI
contract and the reference backend. With man pages and bash completion."
  # The kit holds every backend to the reference backend (its oracle).
  DEPENDS "${TENSORPLUG_RUNTIME_PACKAGE} ${_tp_exact}"
    "tensorplug-backend-reference ${_tp_exact}")

tensorplug_deb_package(doc tensorplug-doc doc
  "tensorplug documentation and example backend project"
  "The tensorplug documentation (Markdown, in /usr/share/doc/tensorplug) and
a complete example plugin project (a raw C ABI backend and a toolkit
backend, tested by the conformance kit), in
/usr/share/tensorplug/examples/conformance_plugin."
  SUGGESTS "libtensorplug-dev ${_tp_exact}"
  ARCH_ALL)

if(TARGET tensorplug_digits)  # TENSORPLUG_BUILD_EXAMPLES
  tensorplug_deb_package(examples tensorplug-examples science
    "tensorplug example applications: digits and Fashion-MNIST"
    "tensorplug-digits trains on the UCI handwritten digits (shipped) and
tensorplug-fashion on Fashion-MNIST (dataset-fashion-mnist), with whichever
backend the configuration names."
    DEPENDS "${TENSORPLUG_RUNTIME_PACKAGE} ${_tp_exact}" "${_tp_any_backend}"
    SUGGESTS dataset-fashion-mnist)
endif()

# What each backend is, by its name: the synopsis and the extended
# description (a backend not listed gets generic ones).
set(_tp_summary_reference "reference tensor backend")
set(_tp_summary_native "fast CPU tensor backend on OpenBLAS")
set(_tp_summary_torch "libtorch (ATen) tensor backend")
set(_tp_about_reference "the portable reference kernels (every op, every
dtype), the default backend and the conformance kit's oracle.")
set(_tp_about_native "fast CPU kernels on OpenBLAS with their own thread
pool.")
set(_tp_about_torch "the ATen kernels of libtorch (Debian's libtorch).")
foreach(backend IN LISTS _tp_deb_backends)
  get_target_property(name ${backend} OUTPUT_NAME)
  if(NOT DEFINED _tp_about_${name})
    set(_tp_summary_${name} "${name} tensor backend")
    set(_tp_about_${name} "a builtin backend.")
  endif()
  tensorplug_deb_package(backend_${name} tensorplug-backend-${name} science
    "${_tp_summary_${name}} for tensorplug"
    "The ${name} backend of tensorplug:
${_tp_about_${name}}
Installed where the host looks for builtin backends
(/usr/${CMAKE_INSTALL_LIBDIR}/${TENSORPLUG_BACKEND_SUBDIR})."
    DEPENDS "${TENSORPLUG_RUNTIME_PACKAGE} ${_tp_exact}")
endforeach()

set(CPACK_COMPONENTS_ALL ${TENSORPLUG_DEB_COMPONENTS})
# For the staging script: the package of each component, and strip (for
# the static libraries, which CPACK_STRIP_FILES leaves alone).
set(CPACK_TENSORPLUG_DEB_PACKAGES ${TENSORPLUG_DEB_PACKAGES})
set(CPACK_TENSORPLUG_STRIP ${CMAKE_STRIP})
include(CPack)
