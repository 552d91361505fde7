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

install(TARGETS tensorplug tensorplug_plugin_api tensorplug_toolkit tensorplug_cli
  EXPORT tensorplugTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The conformance kit's runner, exported so that
# tensorplug_add_conformance_test() finds it as tensorplug::conformance.
if(TARGET tensorplug_conformance)
  install(TARGETS tensorplug_conformance
    EXPORT tensorplugTargets
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY host/include/tensorplug plugin_api/include/tensorplug
  plugin_api/toolkit/include/tensorplug
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT tensorplugTargets NAMESPACE tensorplug::
  DESTINATION ${TENSORPLUG_CMAKE_DIR})
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
  DESTINATION ${TENSORPLUG_CMAKE_DIR})

# bash completion (subcommands, options and backend names, asked of the
# tool itself), where bash-completion looks for it.
install(FILES host/cli/completion/tensorplug.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME tensorplug)

# pkg-config: tensorplug.pc (cmake/tensorplug.pc.in), relocatable (its
# prefix is relative to the file); tests/package compiles an application
# and a C plugin with it alone.
file(RELATIVE_PATH TENSORPLUG_PC_TO_PREFIX
  /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(cmake/tensorplug.pc.in ${PROJECT_BINARY_DIR}/tensorplug.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/tensorplug.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The builtin backends, in the directory the host looks in (relative to the
# installed host library, so the install tree can be moved).
foreach(backend IN LISTS TENSORPLUG_BUILTIN_BACKENDS)
  install(TARGETS ${backend}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/${TENSORPLUG_BACKEND_SUBDIR})
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
  install(FILES ${file} DESTINATION ${CMAKE_INSTALL_DOCDIR}/${dir})
endforeach()
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
  FILES_MATCHING PATTERN "*.md" PATTERN "*.png")
install(DIRECTORY examples/conformance_plugin
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
# Relative symbolic links, made at install time (so that they hold in a
# moved tree and under DESTDIR): <link> -> <target>, both under the prefix.
function(tensorplug_install_link link target)
  install(CODE "
    set(root \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
    get_filename_component(dir \"\${root}/${link}\" DIRECTORY)
    file(RELATIVE_PATH to \"\${dir}\" \"\${root}/${target}\")
    file(MAKE_DIRECTORY \"\${dir}\")
    file(REMOVE \"\${root}/${link}\")
    message(STATUS \"Installing: \${root}/${link} -> \${to}\")
    file(CREATE_LINK \"\${to}\" \"\${root}/${link}\" SYMBOLIC)")
endfunction()
tensorplug_install_link(${CMAKE_INSTALL_DATADIR}/tensorplug/examples
  ${CMAKE_INSTALL_DOCDIR}/examples)
tensorplug_install_link(${CMAKE_INSTALL_DOCDIR}/plugin_api/include
  ${CMAKE_INSTALL_INCLUDEDIR})
tensorplug_install_link(${CMAKE_INSTALL_DOCDIR}/host/include
  ${CMAKE_INSTALL_INCLUDEDIR})
