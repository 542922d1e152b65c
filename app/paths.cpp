#include "app/paths.hpp"

#include <system_error>

// Set by cmake/install.cmake: the data folder relative to the installed
// binary's folder (GNUInstallDirs' bindir to datadir/loopscope), and the
// source tree a build-folder binary reads instead.
#ifndef LOOPSCOPE_DATA_FROM_BINDIR
#error "LOOPSCOPE_DATA_FROM_BINDIR must be defined (cmake/install.cmake)"
#endif
#ifndef LOOPSCOPE_SOURCE_DIR
#error "LOOPSCOPE_SOURCE_DIR must be defined (cmake/install.cmake)"
#endif

namespace loopscope {

namespace fs = std::filesystem;

fs::path executable_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path{} : exe.parent_path();
}

fs::path data_dir_for(const fs::path& exe_dir) {
  if (!exe_dir.empty()) {
    std::error_code ec;
    const fs::path installed = (exe_dir / LOOPSCOPE_DATA_FROM_BINDIR).lexically_normal();
    if (fs::is_directory(installed, ec)) return installed;
  }
  return LOOPSCOPE_SOURCE_DIR;
}

fs::path asset_dir() { return data_dir_for(executable_dir()) / "assets"; }

fs::path tracer_script() { return data_dir_for(executable_dir()) / "tracer" / "loopscope_trace.py"; }

fs::path lesson_dir() { return data_dir_for(executable_dir()) / "lessons"; }

fs::path example_dir() { return data_dir_for(executable_dir()) / "examples"; }

}  // namespace loopscope
