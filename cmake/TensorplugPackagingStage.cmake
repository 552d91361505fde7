# Run by cpack (CPACK_PRE_BUILD_SCRIPTS of cmake/TensorplugPackaging.cmake)
# after it has installed each component into its staging directory and
# before it makes the .deb files: adds what Debian requires of every package
# and a plain `cmake --install` tree should not get:
#   usr/share/doc/<package>/copyright
#   usr/share/doc/<package>/changelog.gz   a Debian changelog (the packages
#                                          are native: version = project's)
#   usr/share/man/**                       compressed with gzip -9n
#   usr/lib/**.a                           debug info stripped (as dh_strip
#                                          does; 10 MB less in -dev)
# Inputs (CPack's): CPACK_GENERATOR, CPACK_TEMPORARY_DIRECTORY,
# CPACK_PACKAGING_INSTALL_PREFIX, CPACK_COMPONENTS_ALL with
# CPACK_TENSORPLUG_DEB_PACKAGES (the package of each component, same order),
# CPACK_PACKAGE_VERSION, CPACK_DEBIAN_PACKAGE_MAINTAINER,
# CPACK_TENSORPLUG_STRIP (the toolchain's strip).
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()
find_program(TENSORPLUG_GZIP gzip REQUIRED)

# The date of the changelog entry: now, or SOURCE_DATE_EPOCH when set (a
# reproducible build), which string(TIMESTAMP) honours.
string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
string(TIMESTAMP year "%Y" UTC)
set(changelog "tensorplug (${CPACK_PACKAGE_VERSION}) unstable; urgency=medium

  * Packaged by CPack from the tensorplug source tree
    (cmake/TensorplugPackaging.cmake). The changes of the plugin ABI are
    in /usr/share/doc/tensorplug/plugin_api/CHANGELOG.md (tensorplug-doc).

 -- ${CPACK_DEBIAN_PACKAGE_MAINTAINER}  ${date}
")
set(copyright "tensorplug: run-time selectable tensor backends behind a C ABI.
This Debian package was made by CPack from the tensorplug source tree
(cmake/TensorplugPackaging.cmake).

Copyright (C) ${year} the tensorplug maintainers
  ${CPACK_DEBIAN_PACKAGE_MAINTAINER}

License: not stated. The tensorplug source tree contains no license file
yet; this file will name the license once the project has chosen one.
")

# Writes `content` to `path` as a regular file, mode 0644.
function(write_doc_file path content)
  file(WRITE ${path} "${content}")
  file(CHMOD ${path} PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endfunction()
# gzip -9n (best compression, no name or time stamp in the header, as
# lintian wants) in place: <file> becomes <file>.gz.
function(compress file)
  execute_process(COMMAND ${TENSORPLUG_GZIP} -9nf ${file}
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip -9n ${file} failed (${rc}): ${err}")
  endif()
endfunction()

list(LENGTH CPACK_COMPONENTS_ALL count)
list(LENGTH CPACK_TENSORPLUG_DEB_PACKAGES packages)
if(NOT count EQUAL packages)
  message(FATAL_ERROR "TensorplugPackagingStage: ${count} components "
    "(${CPACK_COMPONENTS_ALL}) but ${packages} package names "
    "(${CPACK_TENSORPLUG_DEB_PACKAGES})")
endif()
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  list(GET CPACK_COMPONENTS_ALL ${i} component)
  list(GET CPACK_TENSORPLUG_DEB_PACKAGES ${i} package)
  set(stage
    ${CPACK_TEMPORARY_DIRECTORY}/${component}${CPACK_PACKAGING_INSTALL_PREFIX})
  if(NOT IS_DIRECTORY ${stage})
    message(FATAL_ERROR "TensorplugPackagingStage: the component "
      "${component} (package ${package}) has no staging directory ${stage}: "
      "no install() rule names COMPONENT ${component}")
  endif()
  set(doc ${stage}/share/doc/${package})
  file(MAKE_DIRECTORY ${doc})
  write_doc_file(${doc}/copyright "${copyright}")
  write_doc_file(${doc}/changelog "${changelog}")
  compress(${doc}/changelog)
  file(GLOB_RECURSE archives ${stage}/lib/*.a)
  foreach(archive IN LISTS archives)
    execute_process(COMMAND ${CPACK_TENSORPLUG_STRIP} --strip-debug ${archive}
      RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "strip --strip-debug ${archive} failed (${rc}): ${err}")
    endif()
  endforeach()
  file(GLOB_RECURSE pages ${stage}/share/man/*)
  foreach(page IN LISTS pages)
    if(NOT page MATCHES "\\.gz$")
      compress(${page})
    endif()
  endforeach()
endforeach()
