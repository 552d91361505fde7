# Install rules and the CMake package: find_package(tensorplug) gives
# tensorplug::tensorplug (the host library, for applications),
# tensorplug::plugin_api (the C ABI header, for plugin authors) and
# tensorplug::toolkit (the backend toolkit, a C++ SDK for backends: static
# library + headers), tensorplug::conformance (the conformance kit's runner,
# when built), plus
# tensorplug_add_backend() for building plugins and
# tensorplug_add_conformance_test() for testing them.
include(CMakePackageConfigHelpers)
set(TENSORPLUG_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tensorplug)

#
# Every install() names its COMPONENT, one per Debian package that
# cmake/TensorplugPackaging.cmake makes of it (docs/cmake.md, Packaging):
#   runtime            libtensorplug.so.<soversion> (the host library)
#   dev                headers, libtensorplug.so, the toolkit, CMake package, .pc
#   tools              tensorplug, tensorplug-conformance, man pages, completion
#   doc                share/doc/tensorplug/ and the example plugin project
#   examples           tensorplug-digits, tensorplug-fashion and their data
#   backend_<name>     each builtin backend (reference, native, torch)
install(TARGETS tensorplug
  EXPORT tensorplugTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    COMPONENT runtime NAMELINK_COMPONENT dev)
install(TARGETS tensorplug_plugin_api tensorplug_toolkit
  EXPORT tensorplugTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(TARGETS tensorplug_cli
  EXPORT tensorplugTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
# The conformance kit's runner, exported so that
# tensorplug_add_conformance_test() finds it as tensorplug::conformance.
if(TARGET tensorplug_conformance)
  install(TARGETS tensorplug_conformance
    EXPORT tensorplugTargets
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
endif()
install(DIRECTORY host/include/tensorplug plugin_api/include/tensorplug
  plugin_api/toolkit/include/tensorplug
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(EXPORT tensorplugTargets NAMESPACE tensorplug::
  DESTINATION ${TENSORPLUG_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(cmake/tensorplugConfig.cmake.in
  ${PROJECT_BINARY_DIR}/tensorplugConfig.cmake
  INSTALL_DESTINATION ${TENSORPLUG_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tensorplugConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/tensorplugConfig.cmake
  ${PROJECT_BINARY_DIR}/tensorplugConfigVersion.cmake
  cmake/TensorplugBackend.cmake cmake/TensorplugWarnings.cmake
  cmake/TensorplugConformance.cmake
  cmake/tensorplug_exports.map
  DESTINATION ${TENSORPLUG_CMAKE_DIR} COMPONENT dev)

# bash completion (subcommands, options and backend names, asked of the
# tool itself), where bash-completion looks for it.
install(FILES host/cli/completion/tensorplug.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME tensorplug COMPONENT tools)

# pkg-config: tensorplug.pc (cmake/tensorplug.pc.in), relocatable (its
# prefix is relative to the file); tests/package compiles an application
# and a C plugin with it alone.
file(RELATIVE_PATH TENSORPLUG_PC_TO_PREFIX
  /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(cmake/tensorplug.pc.in ${PROJECT_BINARY_DIR}/tensorplug.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/tensorplug.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# The builtin backends, in the directory the host looks in (relative to the
# installed host library, so the install tree can be moved).
# One component each, backend_<name> (the backend's file name: reference).
foreach(backend IN LISTS TENSORPLUG_BUILTIN_BACKENDS)
  get_target_property(name ${backend} OUTPUT_NAME)
  install(TARGETS ${backend}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/${TENSORPLUG_BACKEND_SUBDIR}
    COMPONENT backend_${name})
endforeach()

# What a plugin author needs besides the headers and the CMake package, so
# that an installed tensorplug needs nothing from the source tree: the
# documentation, in share/doc/tensorplug/ laid out as in the source tree so
# that every relative link of it resolves (README.md, docs/, the READMEs it
# links to, the example plugin project in examples/conformance_plugin/ - a
# raw-C-ABI backend and a toolkit backend with the conformance kit in its
# ctest - and plugin_api/include, host/include: links to the installed
# headers), and share/tensorplug/examples, a link to its examples/.
# tests/package/ builds the installed example and checks every link.
set(TENSORPLUG_DOC_FILES README.md plugins/native/README.md plugins/torch/README.md
  plugins/tensorflow/README.md bench/README.md bench/RESULTS.md
  plugin_api/CHANGELOG.md examples/data/README.md)
foreach(file IN LISTS TENSORPLUG_DOC_FILES)
  get_filename_component(dir ${file} DIRECTORY)
  install(FILES ${file} DESTINATION ${CMAKE_INSTALL_DOCDIR}/${dir} COMPONENT doc)
endforeach()
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs COMPONENT doc
  FILES_MATCHING PATTERN "*.md" PATTERN "*.png")
install(DIRECTORY examples/conformance_plugin
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT doc)
# Relative symbolic links, made at install time (so that they hold in a
# moved tree and under DESTDIR): <link> -> <target>, both under the prefix,
# in the doc component (the links belong to the installed docs).
function(tensorplug_install_link link target)
  install(CODE "
    set(root \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
    get_filename_component(dir \"\${root}/${link}\" DIRECTORY)
    file(RELATIVE_PATH to \"\${dir}\" \"\${root}/${target}\")
    file(MAKE_DIRECTORY \"\${dir}\")
    file(REMOVE \"\${root}/${link}\")
    message(STATUS \"Installing: \${root}/${link} -> \${to}\")
    file(CREATE_LINK \"\${to}\" \"\${root}/${link}\" SYMBOLIC)"
    COMPONENT doc)
endfunction()
tensorplug_install_link(${CMAKE_INSTALL_DATADIR}/tensorplug/examples
  ${CMAKE_INSTALL_DOCDIR}/examples)
tensorplug_install_link(${CMAKE_INSTALL_DOCDIR}/plugin_api/include
  ${CMAKE_INSTALL_INCLUDEDIR})
tensorplug_install_link(${CMAKE_INSTALL_DOCDIR}/host/include
  ${CMAKE_INSTALL_INCLUDEDIR})
