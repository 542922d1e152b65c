# Installing Loopscope like any desktop program, and packaging it as a .deb.
#
#   cmake --install build --prefix /usr/local   # the program, where GNUInstallDirs says
#   ./dev package                                # a .deb, checked by lintian
#
# What goes where (relative to the prefix):
#
#   bin/loopscope
#   share/loopscope/assets/                      what the app loads at run time
#   share/loopscope/tracer/                      the Python tracer (app/paths.hpp finds these)
#   share/loopscope/lessons/                     the lessons' Python twins, for run --lesson N --cpython
#   share/loopscope/examples/                    the scripts the window's "Your code" page starts from
#   share/applications/<app id>.desktop
#   share/icons/hicolor/scalable/apps/loopscope.svg
#   share/metainfo/<app id>.metainfo.xml         AppStream: what software centres show
#   share/man/man1/loopscope.1.gz                from `loopscope --help` (help2man)
#   share/bash-completion/completions/loopscope
#   share/doc/loopscope/                         README, the tracer's, copyright, changelog

include(GNUInstallDirs)

# The AppStream id, which also names the desktop entry (reverse DNS, lower case).
set(LOOPSCOPE_APP_ID "io.github.loopscope.loopscope")
set(LOOPSCOPE_MAINTAINER "Loopscope maintainers <maintainers@loopscope.invalid>"
    CACHE STRING "The .deb's Maintainer field: Name <address>")
set(loopscope_summary "watch an event loop run coroutines, side by side")
set(loopscope_datadir "${CMAKE_INSTALL_DATADIR}/loopscope")
set(loopscope_docdir "${CMAKE_INSTALL_DATADIR}/doc/loopscope")
set(loopscope_linux "${PROJECT_SOURCE_DIR}/assets/linux")
set(loopscope_generated "${PROJECT_BINARY_DIR}/install")

# The dates in the changelog, the metainfo and the man page: SOURCE_DATE_EPOCH
# when set, else the last commit's, so that two builds of one commit agree.
if(DEFINED ENV{SOURCE_DATE_EPOCH})
  set(loopscope_epoch $ENV{SOURCE_DATE_EPOCH})
else()
  execute_process(COMMAND git log -1 --format=%ct WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE loopscope_epoch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT loopscope_epoch MATCHES "^[0-9]+$")
    string(TIMESTAMP loopscope_epoch "%s" UTC)
  endif()
  set(ENV{SOURCE_DATE_EPOCH} ${loopscope_epoch})  # read by string(TIMESTAMP)
endif()
string(TIMESTAMP LOOPSCOPE_YEAR "%Y" UTC)
string(TIMESTAMP LOOPSCOPE_RELEASE_DATE "%Y-%m-%d" UTC)
string(TIMESTAMP LOOPSCOPE_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)

# ---- Where the binary finds its data ----
# The installed data folder relative to the installed binary's, so that the
# tree works under any prefix; the source tree for a binary in the build folder.

file(RELATIVE_PATH loopscope_data_from_bindir "${CMAKE_INSTALL_FULL_BINDIR}"
     "${CMAKE_INSTALL_FULL_DATADIR}/loopscope")
target_compile_definitions(loopscope_paths PRIVATE LOOPSCOPE_DATA_FROM_BINDIR="${loopscope_data_from_bindir}"
                                                   LOOPSCOPE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# ---- The program and its data ----

# Symbols resolved at load time, so the relocations can be read-only
# (Debian's hardening flags do the same).
target_link_options(loopscope PRIVATE LINKER:-z,now)

install(TARGETS loopscope RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY assets/ DESTINATION ${loopscope_datadir}/assets
        PATTERN README.md EXCLUDE
        PATTERN linux EXCLUDE)
# The tracer without its tests and benchmark, which need the source tree;
# its documentation goes with the rest.
install(DIRECTORY tracer/ DESTINATION ${loopscope_datadir}/tracer
        FILES_MATCHING PATTERN "*.py"
        PATTERN tests EXCLUDE
        PATTERN __pycache__ EXCLUDE
        PATTERN bench.py EXCLUDE)
install(FILES tracer/README.md tracer/PROTOCOL.md DESTINATION ${loopscope_docdir}/tracer)
# The scripts the window's "Your code" page starts from.
install(DIRECTORY examples/ DESTINATION ${loopscope_datadir}/examples FILES_MATCHING PATTERN "*.py")
# The lessons' Python twins and the harness they run with (run --lesson N --cpython).
install(DIRECTORY lessons/ DESTINATION ${loopscope_datadir}/lessons
        FILES_MATCHING PATTERN "*.py"
        PATTERN __pycache__ EXCLUDE)

# ---- The desktop: entry, icon, AppStream metainfo, shell completion ----

configure_file(${loopscope_linux}/loopscope.metainfo.xml.in
               ${loopscope_generated}/${LOOPSCOPE_APP_ID}.metainfo.xml @ONLY)
install(FILES ${loopscope_linux}/loopscope.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications
        RENAME ${LOOPSCOPE_APP_ID}.desktop)
install(FILES assets/loopscope.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(FILES ${loopscope_generated}/${LOOPSCOPE_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${loopscope_linux}/loopscope.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME loopscope)

# ---- The man page, from `loopscope --help` ----

# (Not for a sanitized build, which is not what anyone installs.)
find_program(HELP2MAN help2man)
if(HELP2MAN AND NOT LOOPSCOPE_SANITIZE)
  set(manpage ${loopscope_generated}/loopscope.1)
  add_custom_command(
    OUTPUT ${manpage}.gz
    COMMAND ${CMAKE_COMMAND} -E env SOURCE_DATE_EPOCH=${loopscope_epoch}
            ${CMAKE_COMMAND} -DHELP2MAN=${HELP2MAN} -DLOOPSCOPE=$<TARGET_FILE:loopscope>
            -DINCLUDE=${loopscope_linux}/loopscope.h2m -DNAME=${loopscope_summary}
            -DOUT=${manpage} -P ${PROJECT_SOURCE_DIR}/cmake/manpage.cmake
    DEPENDS loopscope ${loopscope_linux}/loopscope.h2m ${PROJECT_SOURCE_DIR}/cmake/manpage.cmake
    COMMENT "Writing the man page with help2man"
    VERBATIM)
  add_custom_target(loopscope_manpage ALL DEPENDS ${manpage}.gz)
  install(FILES ${manpage}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
elseif(NOT HELP2MAN)
  message(STATUS "help2man not found (Debian: help2man): installing without a man page")
endif()

# ---- Documentation: what Debian asks of every package ----

configure_file(${PROJECT_SOURCE_DIR}/cmake/deb/changelog.in ${loopscope_generated}/changelog @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/deb/copyright.in ${loopscope_generated}/copyright @ONLY)
execute_process(COMMAND gzip -9nf ${loopscope_generated}/changelog COMMAND_ERROR_IS_FATAL ANY)
install(FILES README.md ${loopscope_generated}/copyright ${loopscope_generated}/changelog.gz
        DESTINATION ${loopscope_docdir})

# ---- The .deb (CPack) ----

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME loopscope)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/package)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY ${loopscope_summary})
# The extended description as Debian wants it: lines under 80 columns.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "Loopscope runs real C++20 coroutines on Boost.Asio, records every time a\n"
       "task runs, waits or sits ready, and draws the result as a timeline, so\n"
       "that sequential awaits, gather and a semaphore-bounded gather of the same\n"
       "workload can be seen side by side. Its semantics follow Python's asyncio.\n"
       "\n"
       "Lessons go from a single await to a web server under load; a sandbox makes\n"
       "every knob of the workload a slider. The same runs work from the command\n"
       "line, as text or JSON, and a tracer draws a learner's own asyncio script\n"
       "on the same timeline.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${LOOPSCOPE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# What the binary links (dpkg-shlibdeps), and the interpreter the tracer runs on.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "python3 (>= 3.11)")
# The window draws with ImGui's own font when no system font is found.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-dejavu-core")
# Byte-compile the tracer on install and remove that byte code on removal,
# as Debian's Python packages do.
set(loopscope_deb_datadir ${CPACK_PACKAGING_INSTALL_PREFIX}/${loopscope_datadir})
configure_file(${PROJECT_SOURCE_DIR}/cmake/deb/postinst.in ${loopscope_generated}/postinst @ONLY)
configure_file(${PROJECT_SOURCE_DIR}/cmake/deb/prerm.in ${loopscope_generated}/prerm @ONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${loopscope_generated}/postinst ${loopscope_generated}/prerm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
