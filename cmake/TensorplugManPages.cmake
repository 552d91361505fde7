# Man pages of the tools, generated at build time from their own --help
# (cmake/make_manpage.cmake), so the page and the help text cannot drift:
# <build>/man/man1/tensorplug.1 and tensorplug-conformance.1, installed in
# <mandir>/man1. Tested by tests/CMakeLists.txt (manpages_*).
set(TENSORPLUG_MAN_DIR ${PROJECT_BINARY_DIR}/man/man1)
set(TENSORPLUG_MAN_PAGES "")
function(tensorplug_man_page target name summary)
  if(NOT TARGET ${target})
    return()
  endif()
  set(page ${TENSORPLUG_MAN_DIR}/${name}.1)
  add_custom_command(OUTPUT ${page}
    COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${target}> -DNAME=${name}
      "-DSUMMARY=${summary}" -DVERSION=${PROJECT_VERSION}
      -DOUTPUT=${page}
      -P ${PROJECT_SOURCE_DIR}/cmake/make_manpage.cmake
    DEPENDS ${target} ${PROJECT_SOURCE_DIR}/cmake/make_manpage.cmake
    COMMENT "Generating the man page ${name}.1 from `${name} --help`"
    VERBATIM)
  set(TENSORPLUG_MAN_PAGES ${TENSORPLUG_MAN_PAGES} ${page} PARENT_SCOPE)
endfunction()
tensorplug_man_page(tensorplug_cli tensorplug
  "inspect, validate, select and benchmark tensorplug backends")
tensorplug_man_page(tensorplug_conformance tensorplug-conformance
  "check a tensorplug backend plugin against the ABI contract and the reference backend")
add_custom_target(tensorplug_man_pages ALL DEPENDS ${TENSORPLUG_MAN_PAGES})
if(TENSORPLUG_INSTALL)
  install(FILES ${TENSORPLUG_MAN_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
    COMPONENT tools)
endif()
if(TENSORPLUG_BUILD_TESTS)
  foreach(pair "tensorplug_cli;tensorplug" "tensorplug_conformance;tensorplug-conformance")
    list(GET pair 0 target)
    list(GET pair 1 name)
    if(TARGET ${target})
      add_test(NAME man_page_of_${name}_holds_its_help_and_renders_cleanly
        COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${target}>
          -DPAGE=${TENSORPLUG_MAN_DIR}/${name}.1
          -P ${PROJECT_SOURCE_DIR}/tests/check_manpage.cmake)
    endif()
  endforeach()
endif()
